package dev.fima.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecallAtKTest {

  @Test
  void recallCountsQueriesWithASameLabelItemInTheirTopK() {
    int[] gallery = {0, 0, 1, 1, 2};
    // Query 0 (label 0) finds a 0 first; query 1 (label 1) at position 2; query 2 (label 2) at
    // position 4; query 3 (label 3) never.
    int[][] ranked = {
      {0, 2, 4, 1, 3},
      {0, 4, 3, 2, 1},
      {2, 3, 0, 1, 4},
      {4, 3, 2, 1, 0}
    };
    Map<Integer, Double> r =
        RecallAtK.compute(ranked, new int[] {0, 1, 2, 3}, gallery, List.of(1, 2, 3, 5, 50));
    assertEquals(0.25, r.get(1));
    assertEquals(0.25, r.get(2));
    assertEquals(0.5, r.get(3));
    assertEquals(0.75, r.get(5));
    assertEquals(0.75, r.get(50), "k beyond the gallery uses the whole ranking");
  }
}
