package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class FeatureQueueTest {

  /** Keys whose every entry equals its label, so rows show which key landed where. */
  private static NDArray keys(NDManager m, float... labels) {
    return m.create(labels).reshape(labels.length, 1).repeat(1, 2);
  }

  private static float[] firstColumn(FeatureQueue q) {
    return q.features().get(":, 0").toFloatArray();
  }

  @Test
  void startsWithSeededUnitRows() {
    try (NDManager m = NDManager.newBaseManager();
        FeatureQueue a = new FeatureQueue(m, 6, 4, 3);
        FeatureQueue b = new FeatureQueue(m, 6, 4, 3)) {
      assertEquals(new Shape(6, 4), a.features().getShape());
      float[] norms = a.features().norm(new int[] {1}).toFloatArray();
      assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, norms, 1e-5f);
      assertArrayEquals(b.features().toFloatArray(), a.features().toFloatArray());
    }
  }

  @Test
  void wrapsWhenTheBatchDoesNotDivideTheQueue() {
    try (NDManager m = NDManager.newBaseManager();
        FeatureQueue q = new FeatureQueue(m, 5, 2, 1)) {
      q.enqueue(keys(m, 1, 2, 3));
      assertEquals(3, q.pointer());
      q.enqueue(keys(m, 4, 5, 6)); // rows 3, 4, then wraps to row 0
      assertEquals(1, q.pointer());
      assertArrayEquals(new float[] {6, 2, 3, 4, 5}, firstColumn(q));
      q.enqueue(keys(m, 7, 8, 9));
      assertEquals(4, q.pointer());
      assertArrayEquals(new float[] {6, 7, 8, 9, 5}, firstColumn(q));
    }
  }

  @Test
  void keepsOnlyTheNewestWhenMoreKeysThanEntriesArrive() {
    try (NDManager m = NDManager.newBaseManager();
        FeatureQueue q = new FeatureQueue(m, 3, 2, 1)) {
      q.enqueue(keys(m, 1));
      q.enqueue(keys(m, 2, 3, 4, 5));
      // Equivalent to writing 2, 3, 4, 5 one by one from row 1: 5 lands on row 1.
      assertArrayEquals(new float[] {4, 5, 3}, firstColumn(q));
      assertEquals(2, q.pointer());
    }
  }

  @Test
  void snapshotIsUntouchedByLaterWrites() {
    try (NDManager m = NDManager.newBaseManager();
        FeatureQueue q = new FeatureQueue(m, 4, 2, 1)) {
      q.enqueue(keys(m, 1, 2, 3, 4));
      NDArray before = q.snapshot(m);
      q.enqueue(keys(m, 9));
      assertArrayEquals(new float[] {1, 2, 3, 4}, before.get(":, 0").toFloatArray());
      assertArrayEquals(new float[] {9, 2, 3, 4}, firstColumn(q));
    }
  }

  @Test
  void restoreBringsBackEntriesAndPointer() {
    try (NDManager m = NDManager.newBaseManager();
        FeatureQueue q = new FeatureQueue(m, 4, 2, 1);
        FeatureQueue other = new FeatureQueue(m, 4, 2, 2)) {
      q.enqueue(keys(m, 1, 2, 3));
      other.restore(q.snapshot(m), q.pointer());
      assertArrayEquals(q.features().toFloatArray(), other.features().toFloatArray());
      assertEquals(3, other.pointer());
      assertThrows(
          IllegalArgumentException.class, () -> other.restore(m.zeros(new Shape(3, 2)), 0));
    }
  }
}
