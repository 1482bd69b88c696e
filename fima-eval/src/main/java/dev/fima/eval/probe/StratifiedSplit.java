package dev.fima.eval.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded, stratified hold-out of a training split: about {@code fraction} of each class's videos
 * go to validation, so that hyper-parameters and best epochs are chosen without ever looking at the
 * test split.
 *
 * <p>Each class with at least two videos gives {@code max(1, round(fraction * n))} of them, and
 * always keeps at least one for training; a class with a single video stays in training.
 *
 * @param train row indices kept for fitting, ascending
 * @param validation row indices held out, ascending
 */
public record StratifiedSplit(int[] train, int[] validation) {

  /**
   * Splits rows by their labels.
   *
   * @param labels the label of each row
   * @param classes the number of classes
   * @param fraction fraction of each class to hold out, in (0, 1)
   * @param seed seed of the choice
   * @return the split
   */
  public static StratifiedSplit of(int[] labels, int classes, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction must be in (0, 1), got " + fraction);
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    Random random = new Random(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> val = new ArrayList<>();
    for (List<Integer> rows : byClass) {
      Collections.shuffle(rows, random);
      int n = rows.size();
      int held = n < 2 ? 0 : Math.min(n - 1, Math.max(1, (int) Math.round(fraction * n)));
      val.addAll(rows.subList(0, held));
      train.addAll(rows.subList(held, n));
    }
    return new StratifiedSplit(sorted(train), sorted(val));
  }

  private static int[] sorted(List<Integer> list) {
    int[] a = list.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
