package dev.fima.examples;

import dev.fima.api.jobs.EvalReport;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** Prints an evaluation's numbers for the terminal, with where its full report is. */
public final class ReportLines {

  private ReportLines() {}

  /**
   * Prints every metric of a report and the path of its Markdown report.
   *
   * @param out where to print
   * @param title what was run, such as {@code ucf101-finetune split 2}
   * @param report the report
   */
  public static void print(PrintWriter out, String title, EvalReport report) {
    out.println(title);
    for (Map.Entry<String, Double> e : report.metrics().entrySet()) {
      out.printf("  %-30s %s%n", e.getKey(), format(e.getKey(), e.getValue()));
    }
    out.println("  report: " + report.outputDir().resolve(report.task() + ".md"));
    out.flush();
  }

  /**
   * Formats a metric: accuracies and recalls (fractions) as percentages, counts as integers.
   *
   * @param name the metric's name
   * @param value its value
   * @return the text
   */
  public static String format(String name, double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    String n = name.toLowerCase(Locale.ROOT);
    if (n.contains("top") || n.startsWith("recall@") || n.contains("accuracy")) {
      return String.format(Locale.ROOT, "%6.2f %%", 100 * value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
