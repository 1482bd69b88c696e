package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fima.djl.model.FeatureQueue;
import org.junit.jupiter.api.Test;

class QueueWritesTest {

  @Test
  void matchesTheQueuesOwnWritesWithoutTouchingIt() {
    int[][] cases = { // {queue size, pointer, keys}
      {5, 0, 2}, {5, 3, 2}, {5, 3, 4}, {5, 4, 1}, {5, 2, 5}, {5, 1, 7}, {5, 0, 5}, {3, 2, 9}
    };
    for (int[] c : cases) {
      try (NDManager m = NDManager.newBaseManager();
          FeatureQueue queue = new FeatureQueue(m, c[0], 2, 11)) {
        if (c[1] > 0) {
          queue.enqueue(m.randomNormal(new ai.djl.ndarray.types.Shape(c[1], 2)));
        }
        NDArray keys = m.arange(100f, 100f + 2 * c[2]).reshape(c[2], 2);
        float[] before = queue.features().toFloatArray();
        NDArray predicted = QueueWrites.afterEnqueue(queue.features(), queue.pointer(), keys);
        assertArrayEquals(before, queue.features().toFloatArray(), "the live queue was written");
        queue.enqueue(keys);
        assertArrayEquals(
            queue.features().toFloatArray(),
            predicted.toFloatArray(),
            "size " + c[0] + " pointer " + c[1] + " keys " + c[2]);
        assertEquals(queue.features().getShape(), predicted.getShape());
      }
    }
  }
}
