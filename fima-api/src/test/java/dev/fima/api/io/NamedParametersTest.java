package dev.fima.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class NamedParametersTest {

  private static final Shape BATCH = new Shape(2, 3, 2, 2, 2);

  @Test
  void aNonFiniteTrainingBatchIsFoundInTheBatchNormStatisticsWhileTheWeightsStayFinite() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BatchNorm norm = BatchNorm.builder().optAxis(1).build();
      norm.initialize(manager, DataType.FLOAT32, BATCH);
      assertNull(NamedParameters.firstNonFinite(norm));

      forward(norm, manager.arange((float) BATCH.size()).reshape(BATCH));
      assertNull(NamedParameters.firstNonFinite(norm), "a finite batch");

      NDArray poisoned = manager.ones(BATCH);
      poisoned.set(new ai.djl.ndarray.index.NDIndex("0, 1, 0, 0, 0"), Float.NaN);
      forward(norm, poisoned);
      // gamma and beta come first and no update touched them; the running mean took the NaN in.
      assertEquals("runningMean", NamedParameters.firstNonFinite(norm));
    }
  }

  @Test
  void aNonFiniteBlockIsRefusedACheckpointNamingTheStepAndTheParameter() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BatchNorm norm = BatchNorm.builder().optAxis(1).build();
      norm.initialize(manager, DataType.FLOAT32, BATCH);
      NamedParameters.requireFinite(norm, 7);
      norm.getParameters()
          .get("gamma")
          .getArray()
          .set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
      dev.fima.api.FimaException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.fima.api.FimaException.class, () -> NamedParameters.requireFinite(norm, 7));
      assertEquals(
          "no checkpoint written at step 7: parameter gamma is not finite (a diverged step"
              + " corrupted it); the earlier checkpoints are kept",
          e.getMessage());
    }
  }

  @Test
  void anInfinityCountsAsNonFinite() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BatchNorm norm = BatchNorm.builder().optAxis(1).build();
      norm.initialize(manager, DataType.FLOAT32, BATCH);
      norm.getParameters()
          .get("beta")
          .getArray()
          .set(new ai.djl.ndarray.index.NDIndex("2"), Float.POSITIVE_INFINITY);
      assertEquals("beta", NamedParameters.firstNonFinite(norm));
    }
  }

  private static void forward(BatchNorm norm, NDArray batch) {
    try (NDManager step = batch.getManager().newSubManager()) {
      batch.attach(step);
      norm.forward(new ParameterStore(step, false), new NDList(batch), true);
    }
  }
}
