package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.fima.api.io.NamedParameters;
import dev.fima.djl.backbone.ChannelBatchNorm;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchNormStatisticsTest {

  private static final Shape BATCH = new Shape(2, 3, 2, 2, 2);

  @Test
  void restoringUndoesWhatATrainingForwardDidToTheRunningStatistics() {
    try (NDManager manager = NDManager.newBaseManager()) {
      SequentialBlock net =
          new SequentialBlock().add(new ChannelBatchNorm()).add(new ChannelBatchNorm());
      net.initialize(manager, DataType.FLOAT32, BATCH);
      BatchNormStatistics statistics = BatchNormStatistics.of(net);
      assertEquals(4, statistics.size(), "a mean and a variance per batch norm");
      float[] meanBefore = runningMean(net);
      try (NDManager step = manager.newSubManager()) {
        NDList saved = statistics.capture(step);
        NDArray poisoned = manager.arange((float) BATCH.size()).reshape(BATCH);
        poisoned.set(new ai.djl.ndarray.index.NDIndex("0, 1, 0, 0, 0"), Float.NaN);
        poisoned.attach(step);
        net.forward(new ParameterStore(step, false), new NDList(poisoned), true);
        // The forward moved the running means, channel 1's to NaN.
        assertFalse(Arrays.equals(meanBefore, runningMean(net)));
        assertEquals("01ChannelBatchNorm_runningMean", NamedParameters.firstNonFinite(net));
        statistics.restore(saved);
      }
      assertArrayEquals(meanBefore, runningMean(net));
      assertNull(NamedParameters.firstNonFinite(net));
    }
  }

  @Test
  void restoreRefusesAnotherBlocksCopies() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ChannelBatchNorm one = new ChannelBatchNorm();
      one.initialize(manager, DataType.FLOAT32, BATCH);
      BatchNormStatistics statistics = BatchNormStatistics.of(one);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> statistics.restore(new NDList()));
      assertEquals("expected 2 captured statistics, got 0", e.getMessage());
    }
  }

  private static float[] runningMean(SequentialBlock net) {
    return net.getParameters().get("01ChannelBatchNorm_runningMean").getArray().toFloatArray();
  }
}
