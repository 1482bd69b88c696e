package dev.fima.eval.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.fima.eval.metrics.RecallAtK;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {

  /** Four gallery points around the origin, at angles ~18, 72, 252 and 198 degrees. */
  private static final float[][] GALLERY = {{3, 1}, {1, 3}, {-1, -3}, {-3, -1}};

  @Test
  void ranksByCosineSimilarityAfterCentringOnTheGallery() {
    float[][] queries = {{1, 0}, {0, -1}, {2, 2}};
    try (NDManager m = NDManager.newBaseManager()) {
      int[][] ranked = NearestNeighbours.rank(m, GALLERY, queries, 4);
      // (1,0): cosines .949, .316, -.316, -.949.
      assertArrayEquals(new int[] {0, 1, 2, 3}, ranked[0]);
      // (0,-1): cosines -.316, -.949, .949, .316.
      assertArrayEquals(new int[] {2, 3, 0, 1}, ranked[1]);
      // (2,2) is equally close to g0 and g1: the tie goes to the lower index.
      assertEquals(0, ranked[2][0]);
      assertEquals(1, ranked[2][1]);
    }
  }

  @Test
  void centringUsesTheGalleryMeanSoAShiftChangesNothing() {
    float[][] gallery = new float[4][];
    for (int i = 0; i < 4; i++) {
      gallery[i] = new float[] {GALLERY[i][0] + 10, GALLERY[i][1] + 10};
    }
    // Without centring every point would be near direction (1,1) and (1,0)+shift would rank g1
    // high; with the gallery mean (10,10) removed the answer is the unshifted one.
    float[][] queries = {{11, 10}, {10, 9}};
    try (NDManager m = NDManager.newBaseManager()) {
      int[][] ranked = NearestNeighbours.rank(m, gallery, queries, 2);
      assertArrayEquals(new int[] {0, 1}, ranked[0]);
      assertArrayEquals(new int[] {2, 3}, ranked[1]);
    }
  }

  @Test
  void recallOnAHandMadeGallery() {
    int[] galleryLabels = {0, 1, 2, 3};
    float[][] queries = {{1, 0}, {0, -1}, {1, 0.2f}};
    int[] queryLabels = {0, 3, 1};
    try (NDManager m = NDManager.newBaseManager()) {
      int[][] ranked = NearestNeighbours.rank(m, GALLERY, queries, 3);
      Map<Integer, Double> r =
          RecallAtK.compute(ranked, queryLabels, galleryLabels, List.of(1, 2, 3));
      // q0 hits at 1; q1 (label 3) ranks g3 second; q2 (label 1) ranks g1 second.
      assertEquals(1 / 3.0, r.get(1), 1e-12);
      assertEquals(1.0, r.get(2), 1e-12);
      assertEquals(1.0, r.get(3), 1e-12);
    }
  }

  @Test
  void topIndicesKeepsTheLargestInOrderWithLowIndexTieBreak() {
    float[] v = {0.5f, 0.9f, 0.1f, 0.9f, 0.7f, -1f};
    assertArrayEquals(new int[] {1, 3, 4}, NearestNeighbours.topIndices(v, 0, 6, 3));
    assertArrayEquals(new int[] {1, 2}, NearestNeighbours.topIndices(v, 2, 4, 2));
  }
}
