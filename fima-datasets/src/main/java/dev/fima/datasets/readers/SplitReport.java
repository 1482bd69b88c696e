package dev.fima.datasets.readers;

import dev.fima.api.data.Split;
import dev.fima.api.data.VideoEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a dataset reader found when it compared the official split files with the files on disk:
 * videos per class in each part, videos listed but missing, videos on disk but listed nowhere.
 *
 * @param classNames the classes, index = label
 * @param trainPerClass training videos per class, in label order
 * @param testPerClass test videos per class, in label order
 * @param missing videos named by a split file but not found on disk (relative names)
 * @param unlisted videos on disk that no split file of this split names (relative names)
 * @param unused videos a split file marks as unused in this split (HMDB51 tag 0)
 */
public record SplitReport(
    List<String> classNames,
    int[] trainPerClass,
    int[] testPerClass,
    List<String> missing,
    List<String> unlisted,
    int unused) {

  /** Copies the lists. */
  public SplitReport {
    classNames = List.copyOf(classNames);
    trainPerClass = trainPerClass.clone();
    testPerClass = testPerClass.clone();
    missing = List.copyOf(missing);
    unlisted = List.copyOf(unlisted);
  }

  /**
   * Counts videos per class.
   *
   * @param classes number of classes
   * @param videos the videos
   * @return counts indexed by label
   */
  static int[] count(int classes, List<VideoEntry> videos) {
    int[] counts = new int[classes];
    for (VideoEntry v : videos) {
      counts[v.label()]++;
    }
    return counts;
  }

  /**
   * Returns the videos per class of one part, by class name.
   *
   * @param split train or test
   * @return class name to count, in label order
   */
  public Map<String, Integer> perClass(Split split) {
    int[] counts = split == Split.TRAIN ? trainPerClass : testPerClass;
    Map<String, Integer> map = new LinkedHashMap<>();
    for (int i = 0; i < classNames.size(); i++) {
      map.put(classNames.get(i), counts[i]);
    }
    return map;
  }

  /**
   * Returns a multi-line summary: totals, the smallest and largest classes, and the mismatches by
   * name (the first 20 of each kind).
   *
   * @param name dataset and split, e.g. {@code ucf101 split 1}
   * @return the text
   */
  public String summary(String name) {
    StringBuilder sb = new StringBuilder();
    sb.append(name)
        .append(": ")
        .append(classNames.size())
        .append(" classes, train ")
        .append(describe(trainPerClass))
        .append(", test ")
        .append(describe(testPerClass));
    if (unused > 0) {
      sb.append(", ").append(unused).append(" marked unused");
    }
    appendNames(sb, "listed but missing on disk", missing);
    appendNames(sb, "on disk but in no split file", unlisted);
    return sb.toString();
  }

  private String describe(int[] counts) {
    int total = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    int minAt = 0;
    for (int i = 0; i < counts.length; i++) {
      total += counts[i];
      if (counts[i] < min) {
        min = counts[i];
        minAt = i;
      }
      max = Math.max(max, counts[i]);
    }
    if (counts.length == 0) {
      return "0 videos";
    }
    return total
        + " videos ("
        + min
        + "-"
        + max
        + " per class, fewest in "
        + classNames.get(minAt)
        + ")";
  }

  private static void appendNames(StringBuilder sb, String what, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    sb.append("\n  ").append(names.size()).append(' ').append(what).append(": ");
    List<String> shown = new ArrayList<>(names.subList(0, Math.min(20, names.size())));
    sb.append(String.join(", ", shown));
    if (names.size() > shown.size()) {
      sb.append(", ...");
    }
  }
}
