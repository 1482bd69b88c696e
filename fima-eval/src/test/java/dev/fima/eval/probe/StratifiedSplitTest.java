package dev.fima.eval.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {

  @Test
  void holdsOutTheFractionOfEachClassDisjointlyAndReproducibly() {
    // Class 0: 10 rows, class 1: 20 rows, class 2: 1 row, class 3: 2 rows.
    int[] labels = new int[33];
    for (int i = 0; i < 33; i++) {
      labels[i] = i < 10 ? 0 : i < 30 ? 1 : i < 31 ? 2 : 3;
    }
    StratifiedSplit s = StratifiedSplit.of(labels, 4, 0.2, 7);
    int[] heldPerClass = new int[4];
    for (int i : s.validation()) {
      heldPerClass[labels[i]]++;
    }
    // round(0.2*10)=2, round(0.2*20)=4, a single row stays in training, 2 rows give 1.
    assertArrayEquals(new int[] {2, 4, 0, 1}, heldPerClass);
    int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())).toArray();
    Arrays.sort(all);
    assertArrayEquals(IntStream.range(0, 33).toArray(), all, "a partition of the rows");

    StratifiedSplit again = StratifiedSplit.of(labels, 4, 0.2, 7);
    assertArrayEquals(s.validation(), again.validation());
    StratifiedSplit other = StratifiedSplit.of(labels, 4, 0.2, 8);
    assertNotEquals(Arrays.toString(s.validation()), Arrays.toString(other.validation()));
    assertEquals(7, other.validation().length);
  }
}
