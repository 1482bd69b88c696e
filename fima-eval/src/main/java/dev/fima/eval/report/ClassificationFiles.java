package dev.fima.eval.report;

import dev.fima.eval.metrics.ClassificationMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the per-class files of a classification result: {@code <prefix>per-class.csv}, {@code
 * <prefix>confusion.csv} and the heat map {@code <prefix>confusion.png}.
 */
public final class ClassificationFiles {

  private ClassificationFiles() {}

  /**
   * Writes the three files.
   *
   * @param dir output folder
   * @param prefix file name prefix, e.g. {@code test-} (may be empty)
   * @param metrics the result
   * @param classNames class names, index = label
   * @param title title of the heat map
   * @return the file names written, relative to {@code dir}
   */
  public static List<String> write(
      Path dir,
      String prefix,
      ClassificationMetrics metrics,
      List<String> classNames,
      String title) {
    String perClass = prefix + "per-class.csv";
    String confusionCsv = prefix + "confusion.csv";
    String confusionPng = prefix + "confusion.png";
    OutputFiles.writeString(dir.resolve(perClass), perClassCsv(metrics, classNames));
    OutputFiles.writeString(dir.resolve(confusionCsv), confusionCsv(metrics, classNames));
    ConfusionMatrixPlot.write(dir.resolve(confusionPng), metrics.confusion(), classNames, title);
    return List.of(perClass, confusionCsv, confusionPng);
  }

  /**
   * Renders per-class accuracy as CSV: {@code class,name,videos,correct,accuracy}; a class without
   * videos has an empty accuracy.
   *
   * @param metrics the result
   * @param classNames class names
   * @return the CSV text
   */
  public static String perClassCsv(ClassificationMetrics metrics, List<String> classNames) {
    StringBuilder csv = new StringBuilder("class,name,videos,correct,accuracy\n");
    double[] acc = metrics.perClassAccuracy();
    int[] count = metrics.perClassCount();
    long[][] confusion = metrics.confusion();
    for (int c = 0; c < metrics.classes(); c++) {
      csv.append(c)
          .append(',')
          .append(Csv.quote(classNames.get(c)))
          .append(',')
          .append(count[c])
          .append(',')
          .append(confusion[c][c])
          .append(',')
          .append(Double.isNaN(acc[c]) ? "" : String.format(Locale.ROOT, "%.6f", acc[c]))
          .append('\n');
    }
    return csv.toString();
  }

  /**
   * Renders the confusion matrix as CSV: a header of predicted class names, then one row per true
   * class starting with its name.
   *
   * @param metrics the result
   * @param classNames class names
   * @return the CSV text
   */
  public static String confusionCsv(ClassificationMetrics metrics, List<String> classNames) {
    StringBuilder csv = new StringBuilder("true\\predicted");
    for (String name : classNames) {
      csv.append(',').append(Csv.quote(name));
    }
    csv.append('\n');
    long[][] confusion = metrics.confusion();
    for (int t = 0; t < confusion.length; t++) {
      csv.append(Csv.quote(classNames.get(t)));
      for (long n : confusion[t]) {
        csv.append(',').append(n);
      }
      csv.append('\n');
    }
    return csv.toString();
  }
}
