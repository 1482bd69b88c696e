package dev.fima.eval.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.Split;
import dev.fima.api.data.VideoCatalog;
import dev.fima.djl.testing.TinyBackbone;
import dev.fima.eval.testing.FakeSupervisedData;
import dev.fima.eval.testing.Fixtures;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrozenFeaturesTest {

  private final FakeSupervisedData data = new FakeSupervisedData(2, 3, 1, 0.2f);
  private final VideoCatalog catalog = data.catalog(Fixtures.data(Path.of(".")));
  private final ClipAugmenter normaliser = data.augmenter(AugmentConfig.defaults());

  private ClipFeatures extract(TinyBackbone b, NDManager m, int videosPerBatch, int clips) {
    try (LabeledBatchLoader loader =
        data.evalLoader(
            Fixtures.data(Path.of(".")),
            Fixtures.CLIP,
            clips,
            1,
            catalog.videos(Split.TRAIN),
            videosPerBatch,
            null)) {
      return FrozenFeatures.extract(b, loader, normaliser, m);
    }
  }

  @Test
  void featuresAreIndependentOfBatchCompositionAndLeaveBatchNormUntouched() {
    try (NDManager m = NDManager.newBaseManager()) {
      TinyBackbone b = TinyBackbone.withBatchNorm(8);
      b.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 16, 16));
      // Give batch-norm running statistics that differ from any batch's own statistics.
      NDArray runningMean =
          b.getParameters().stream()
              .filter(p -> p.getKey().endsWith("runningMean"))
              .findFirst()
              .orElseThrow()
              .getValue()
              .getArray();
      runningMean.set(new float[] {1, -1, 2, 0, 0.5f, 3, -2, 1});
      float[] before = runningMean.toFloatArray();

      ClipFeatures one = extract(b, m, 1, 2);
      ClipFeatures all = extract(b, m, 6, 2);

      assertEquals(6, one.size());
      assertEquals(2, one.views());
      assertEquals(8, one.channels());
      // Batch statistics would make a video's feature depend on its batch-mates.
      assertArrayEquals(one.values(), all.values(), 1e-5f);
      assertArrayEquals(before, runningMean.toFloatArray(), "running statistics frozen");
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, one.videoIndices());
      assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1}, one.labels());

      // The same clip in training mode normalises with its batch's statistics instead.
      try (NDManager step = m.newSubManager()) {
        NDArray clip = step.ones(new Shape(2, 3, 4, 16, 16)).mul(step.create(0.3f));
        clip = clip.concat(step.ones(new Shape(2, 3, 4, 16, 16)).mul(step.create(0.9f)));
        ParameterStore ps = new ParameterStore(step, false);
        float[] eval = b.forward(ps, new NDList(clip), false).get(1).toFloatArray();
        float[] train = b.forward(ps, new NDList(clip), true).get(1).toFloatArray();
        assertFalse(
            java.util.Arrays.equals(eval, train), "sanity: the two modes differ on this input");
      }
    }
  }

  @Test
  void viewsOfAVideoAreKeptInOrderAndAveraged() {
    try (NDManager m = NDManager.newBaseManager()) {
      TinyBackbone b = TinyBackbone.withBatchNorm(4);
      b.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 16, 16));
      ClipFeatures f = extract(b, m, 4, 3);
      float[][] avg = f.averaged();
      for (int c = 0; c < 4; c++) {
        float expected = (f.view(2, 0)[c] + f.view(2, 1)[c] + f.view(2, 2)[c]) / 3;
        assertEquals(expected, avg[2][c], 1e-6f);
      }
      assertFalse(
          java.util.Arrays.equals(f.view(2, 0), f.view(2, 1)), "views carry different noise");
    }
  }

  @Test
  void undecodableVideosHaveNoFeaturesButAreListed() {
    data.undecodable = Set.of("v1.avi");
    try (NDManager m = NDManager.newBaseManager()) {
      TinyBackbone b = TinyBackbone.withBatchNorm(4);
      b.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 16, 16));
      ClipFeatures f = extract(b, m, 4, 1);
      assertArrayEquals(new int[] {0, 2, 3, 4, 5}, f.videoIndices());
      assertEquals(1, f.skipped().size());
      assertEquals("v1.avi", f.skipped().get(0).video().getFileName().toString());
    }
  }
}
