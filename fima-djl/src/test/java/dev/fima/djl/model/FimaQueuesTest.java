package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.fima.api.config.ModelConfig;
import org.junit.jupiter.api.Test;

class FimaQueuesTest {

  private static ModelConfig sizes(int queue, int dense) {
    ModelConfig d = ModelConfig.defaults();
    return new ModelConfig(
        d.method(),
        d.projectionHidden(),
        4,
        d.decoderDim(),
        d.decoderLayers(),
        d.decoderHeads(),
        d.decoderFeedForward(),
        d.decoderDropout(),
        d.positional(),
        d.useDecoder(),
        d.foreground(),
        d.momentum(),
        queue,
        dense);
  }

  /**
   * The reference asserts K % n == 0 and so crashes for UCF101's K = 2240 with a batch of 24. Here
   * the motion queue takes 4B = 12 keys per step into 10 entries: with B = 3, K = 10 every write
   * wraps somewhere else.
   */
  @Test
  void motionQueueWrapsForABatchThatDoesNotDivideIt() {
    try (NDManager m = NDManager.newBaseManager();
        FimaQueues q = new FimaQueues(m, sizes(10, 0), 1)) {
      q.motion().enqueue(m.arange(0f, 12f).reshape(12, 1).repeat(1, 4));
      assertEquals(2, q.motion().pointer());
      // 12 keys into 10 rows: the last 10 (2..11) survive, key 10 landing on row 0.
      assertArrayEquals(
          new float[] {10, 11, 2, 3, 4, 5, 6, 7, 8, 9},
          q.motion().features().get(":, 0").toFloatArray());
      q.instance().enqueue(m.ones(new ai.djl.ndarray.types.Shape(3, 4)));
      q.instance().enqueue(m.ones(new ai.djl.ndarray.types.Shape(3, 4)));
      q.instance().enqueue(m.ones(new ai.djl.ndarray.types.Shape(3, 4)));
      q.instance().enqueue(m.ones(new ai.djl.ndarray.types.Shape(3, 4)));
      assertEquals(2, q.instance().pointer());
      assertNull(q.dense());
    }
  }

  @Test
  void stateRestoresEntriesAndPointersOfEveryQueue() {
    try (NDManager m = NDManager.newBaseManager();
        FimaQueues a = new FimaQueues(m, sizes(6, 8), 1);
        FimaQueues b = new FimaQueues(m, sizes(6, 8), 2)) {
      a.instance().enqueue(m.zeros(new ai.djl.ndarray.types.Shape(4, 4)));
      a.dense().enqueue(m.zeros(new ai.djl.ndarray.types.Shape(5, 4)));
      NDList state = a.state(m);
      assertEquals(6, state.size());
      b.restore(state);
      assertEquals(4, b.instance().pointer());
      assertEquals(0, b.motion().pointer());
      assertEquals(5, b.dense().pointer());
      assertArrayEquals(a.motion().features().toFloatArray(), b.motion().features().toFloatArray());
      assertArrayEquals(a.dense().features().toFloatArray(), b.dense().features().toFloatArray());
    }
  }

  @Test
  void aCheckpointWithoutTheDenseQueueIsRefused() {
    try (NDManager m = NDManager.newBaseManager();
        FimaQueues without = new FimaQueues(m, sizes(6, 0), 1);
        FimaQueues with = new FimaQueues(m, sizes(6, 8), 1)) {
      NDList state = without.state(m);
      assertThrows(IllegalArgumentException.class, () -> with.restore(state));
    }
  }
}
