package dev.fima.eval.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recall@k of a retrieval: the fraction of queries that have at least one gallery item of their own
 * label among their k nearest neighbours (the FAME/VCOP convention, also called hit rate).
 */
public final class RecallAtK {

  private RecallAtK() {}

  /**
   * Computes recall@k for several k.
   *
   * @param ranked for each query, gallery indices from nearest to farthest, at least {@code
   *     min(max(ks), gallery size)} of them
   * @param queryLabels the label of each query
   * @param galleryLabels the label of each gallery item
   * @param ks the k values; a k larger than the ranking is evaluated on the whole ranking
   * @return recall by k, in the order of {@code ks}
   * @throws IllegalArgumentException when the sizes disagree
   */
  public static Map<Integer, Double> compute(
      int[][] ranked, int[] queryLabels, int[] galleryLabels, List<Integer> ks) {
    if (ranked.length != queryLabels.length) {
      throw new IllegalArgumentException(
          ranked.length + " rankings but " + queryLabels.length + " query labels");
    }
    if (ranked.length == 0) {
      throw new IllegalArgumentException("no queries");
    }
    Map<Integer, Double> recall = new LinkedHashMap<>();
    for (int k : ks) {
      int hits = 0;
      for (int q = 0; q < ranked.length; q++) {
        if (firstHit(ranked[q], queryLabels[q], galleryLabels) < k) {
          hits++;
        }
      }
      recall.put(k, hits / (double) ranked.length);
    }
    return recall;
  }

  /**
   * Returns the 0-based position of the first same-label item in a ranking, or {@link
   * Integer#MAX_VALUE} when there is none.
   */
  private static int firstHit(int[] ranking, int label, int[] galleryLabels) {
    for (int r = 0; r < ranking.length; r++) {
      if (galleryLabels[ranking[r]] == label) {
        return r;
      }
    }
    return Integer.MAX_VALUE;
  }
}
