package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Shuffle-BN over devices. CPU tests stand in for devices with repeated CPU entries: each entry is
 * one slice with batch statistics of its own, which is all the shuffle is about.
 */
class BatchShuffleTest {

  @Test
  void inverseUndoesThePermutation() {
    BatchShuffle.Permutation p = BatchShuffle.Permutation.random(9, new SplittableRandom(3));
    long[] sorted = p.order().clone();
    Arrays.sort(sorted);
    assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, sorted);
    for (int i = 0; i < 9; i++) {
      assertEquals(i, p.inverse()[(int) p.order()[i]]);
    }
  }

  @Test
  void slicesAreAsEvenAsBatchSplit() {
    assertArrayEquals(new int[] {3, 2, 2}, BatchShuffle.sliceSizes(7, 3));
    assertArrayEquals(new int[] {4, 4}, BatchShuffle.sliceSizes(8, 2));
  }

  @Test
  void shuffledSlicesHoldThePermutedSamplesAndGatheringRestoresOrder() {
    try (NDManager m = NDManager.newBaseManager()) {
      Device[] two = {Device.cpu(), Device.cpu()};
      NDArray batch = m.arange(10f).reshape(5, 2); // row i = (2i, 2i + 1)
      BatchShuffle.Permutation p = BatchShuffle.Permutation.random(5, new SplittableRandom(11));
      List<NDArray> parts = BatchShuffle.shuffleAndSplit(batch, p, two);
      assertEquals(new Shape(3, 2), parts.get(0).getShape());
      assertEquals(new Shape(2, 2), parts.get(1).getShape());
      float[] first = parts.get(0).toFloatArray();
      for (int i = 0; i < 3; i++) {
        assertEquals(2 * p.order()[i], first[2 * i]);
      }
      assertArrayEquals(
          batch.toFloatArray(),
          BatchShuffle.gatherAndRestore(parts, p, Device.cpu()).toFloatArray());
    }
  }

  /**
   * In evaluation mode batch norm uses running statistics, so a sample's key features cannot depend
   * on which slice it was shuffled into: two slices must give exactly the one-device result, which
   * checks the shuffle, the per-slice passes and the restore together. In training mode each slice
   * has its own statistics, so the results differ.
   */
  @Test
  void keyPassOverTwoSlicesMatchesOneDeviceInEvaluationAndDiffersInTraining() {
    try (NDManager m = NDManager.newBaseManager()) {
      var config = TinyFima.config("model.method=moco");
      MomentumEncoder one =
          new MomentumEncoder(
              config.backbone(), 8, 32, 8, 4, 0.99, m, new Device[] {Device.cpu()}, 1);
      MomentumEncoder two =
          new MomentumEncoder(
              config.backbone(),
              8,
              32,
              8,
              4,
              0.99,
              m,
              new Device[] {Device.cpu(), Device.cpu()},
              1);
      MomentumUpdate.copyAndFreeze(one.key(), two.key());
      NDArray clips = m.randomUniform(0, 1, new Shape(6, 3, 8, 32, 32));
      NDList a = one.keyPass(clips, false);
      NDList b = two.keyPass(clips, false);
      assertArrayEquals(a.get(1).toFloatArray(), b.get(1).toFloatArray(), 1e-5f);
      assertArrayEquals(a.get(0).toFloatArray(), b.get(0).toFloatArray(), 1e-5f);
      float[] trainedOne = one.keyPass(clips, true).get(1).toFloatArray();
      float[] trainedTwo = two.keyPass(clips, true).get(1).toFloatArray();
      assertNotEquals(Arrays.toString(trainedOne), Arrays.toString(trainedTwo));
      // The query side splits in order over the same slices.
      MomentumUpdate.copyAndFreeze(one.query(), two.query());
      assertArrayEquals(
          one.queryPass(new ParameterStore(m, false), clips, false).get(1).toFloatArray(),
          two.queryPass(new ParameterStore(m, false), clips, false).get(1).toFloatArray(),
          1e-5f);
    }
  }
}
