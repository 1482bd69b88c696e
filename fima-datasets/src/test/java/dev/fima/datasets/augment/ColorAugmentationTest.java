package dev.fima.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.DiffAugmentConfig;
import dev.fima.api.config.DiffMode;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.ViewClips;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColorAugmentationTest {

  private static final float[] MEAN = ColorAugmentation.KINETICS_MEAN;
  private static final float[] STD = ColorAugmentation.KINETICS_STD;

  /** Augmentation with every colour probability given, strengths 0.4/0.4/0.4/0.1. */
  private static AugmentConfig config(
      double gray, double jitter, double blur, DiffAugmentConfig diff) {
    return new AugmentConfig(
        0.2, 1, 0.5, gray, jitter, 0.4, 0.4, 0.4, 0.1, blur, 0.1, 2.0, true, DiffMode.WRAP, diff);
  }

  private static NDArray randomClips(NDManager m, long seed, int b, int t, int s) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[b * 3 * t * s * s];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextDouble();
    }
    return m.create(v, new Shape(b, 3, t, s, s));
  }

  /** Undoes the normalisation. */
  private static float[] denormalize(NDArray x) {
    NDArray mean = x.getManager().create(MEAN, new Shape(3, 1, 1, 1));
    NDArray std = x.getManager().create(STD, new Shape(3, 1, 1, 1));
    return x.mul(std).add(mean).toFloatArray();
  }

  private static ColorParams neutral(int b) {
    return new ColorParams(
        new float[b],
        ones(b),
        ones(b),
        ones(b),
        new float[b],
        new int[] {0, 1, 2, 3},
        new float[b]);
  }

  private static float[] ones(int b) {
    float[] ones = new float[b];
    java.util.Arrays.fill(ones, 1f);
    return ones;
  }

  @Test
  void normalizeUsesTheKineticsStatistics() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(2, 3, 1, 1, 1)).mul(0.5f);
      float[] out = ColorAugmentation.normalize(x).toFloatArray();
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < 3; c++) {
          assertEquals((0.5f - MEAN[c]) / STD[c], out[b * 3 + c], 1e-6f);
        }
      }
    }
  }

  @Test
  void grayscaleUsesRec601WeightsOnEveryChannel() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {0.2f, 0.6f, 1.0f}, new Shape(1, 3, 1, 1, 1));
      ColorParams p = neutral(1);
      p.grayscale()[0] = 1f;
      float[] out =
          new ColorAugmentation(config(0, 0, 0, DiffAugmentConfig.reference()), false)
              .apply(x, p, true)
              .toFloatArray();
      float g = 0.299f * 0.2f + 0.587f * 0.6f + 0.114f * 1.0f;
      assertArrayEquals(new float[] {g, g, g}, out, 1e-6f);
    }
  }

  @Test
  void hueShiftOfOneThirdTurnsRedIntoGreen() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {0.8f, 0.2f, 0.2f}, new Shape(1, 3, 1, 1, 1));
      ColorParams p = neutral(1);
      p.hue()[0] = 1f / 3;
      float[] out =
          new ColorAugmentation(config(0, 0, 0, DiffAugmentConfig.reference()), false)
              .apply(x, p, true)
              .toFloatArray();
      assertArrayEquals(new float[] {0.2f, 0.8f, 0.2f}, out, 1e-5f);
    }
  }

  @Test
  void hueRotatesAboutTheGreyAxisAndKeepsGreyPixels() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Pixel 0 coloured, pixel 1 grey; shift 0.1 turn.
      NDArray x =
          m.create(new float[] {0.7f, 0.4f, 0.3f, 0.4f, 0.2f, 0.4f}, new Shape(1, 3, 1, 1, 2));
      ColorParams p = neutral(1);
      p.hue()[0] = 0.1f;
      float[] out =
          new ColorAugmentation(config(0, 0, 0, DiffAugmentConfig.reference()), false)
              .apply(x, p, true)
              .toFloatArray();
      // Rodrigues in vector form: v cos t + (u x v) sin t + u (u . v)(1 - cos t), u = (1,1,1)/sqrt
      // 3.
      double t = 2 * Math.PI * 0.1;
      double k = 1 / Math.sqrt(3);
      double[] v = {0.7, 0.3, 0.2};
      double[] cross = {k * (v[2] - v[1]), k * (v[0] - v[2]), k * (v[1] - v[0])};
      double dot = k * (v[0] + v[1] + v[2]);
      for (int c = 0; c < 3; c++) {
        double expected = v[c] * Math.cos(t) + cross[c] * Math.sin(t) + k * dot * (1 - Math.cos(t));
        assertEquals(expected, out[2 * c], 1e-5, "channel " + c);
        assertEquals(0.4f, out[2 * c + 1], 1e-6f, "grey stays grey");
      }
    }
  }

  @Test
  void contrastBlendsWithTheFrameMeanAndBrightnessScales() {
    try (NDManager m = NDManager.newBaseManager()) {
      // One grey pixel pair per frame: grey means 0.3 (frame 0) and 0.5 (frame 1).
      float[] v = {0.2f, 0.4f, 0.4f, 0.6f};
      float[] all = new float[12];
      for (int c = 0; c < 3; c++) {
        System.arraycopy(v, 0, all, c * 4, 4);
      }
      NDArray x = m.create(all, new Shape(1, 3, 2, 1, 2));
      ColorParams p = neutral(1);
      p.contrast()[0] = 0.5f;
      float[] out =
          new ColorAugmentation(config(0, 0, 0, DiffAugmentConfig.reference()), false)
              .apply(x, p, true)
              .toFloatArray();
      // 0.5 x + 0.5 mean(frame)
      assertArrayEquals(
          new float[] {0.25f, 0.35f, 0.45f, 0.55f}, java.util.Arrays.copyOf(out, 4), 1e-6f);
      p = neutral(1);
      p.brightness()[0] = 1.5f;
      out =
          new ColorAugmentation(config(0, 0, 0, DiffAugmentConfig.reference()), false)
              .apply(x, p, true)
              .toFloatArray();
      assertArrayEquals(
          new float[] {0.3f, 0.6f, 0.6f, 0.9f}, java.util.Arrays.copyOf(out, 4), 1e-6f);
    }
  }

  @Test
  void blurKeepsConstantsAndSpreadsAnImpulseByTheGaussianTaps() {
    try (NDManager m = NDManager.newBaseManager()) {
      int s = 30; // kernel int(3.0) // 2 * 2 + 1 = 3
      float[] v = new float[2 * 3 * s * s];
      java.util.Arrays.fill(v, 0, 3 * s * s, 0.4f); // sample 0: constant
      v[3 * s * s + 15 * s + 15] = 1f; // sample 1: impulse in the red channel at (15, 15)
      NDArray x = m.create(v, new Shape(2, 3, 1, s, s));
      ColorParams p = neutral(2);
      p.blurSigma()[0] = 1.5f;
      p.blurSigma()[1] = 1.0f;
      float[] out =
          new ColorAugmentation(config(0, 0, 1, DiffAugmentConfig.reference()), true)
              .apply(x, p, true)
              .toFloatArray();
      for (int i = 0; i < 3 * s * s; i++) {
        assertEquals(0.4f, out[i], 1e-6f);
      }
      float[][] taps = ColorAugmentation.kernels(new float[] {1.0f}, 3);
      float side = taps[0][0];
      float centre = taps[1][0];
      assertEquals(1f, 2 * side + centre, 1e-6f);
      int base = 3 * s * s;
      assertEquals(centre * centre, out[base + 15 * s + 15], 1e-6f);
      assertEquals(centre * side, out[base + 15 * s + 16], 1e-6f);
      assertEquals(side * side, out[base + 14 * s + 16], 1e-6f);
      assertEquals(0f, out[base + 15 * s + 17], 1e-7f);
    }
  }

  private static PretrainBatch batch(NDManager m, int b, int t, int s) {
    NDArray gm = randomClips(m, 1, b, t, s);
    NDArray gn = randomClips(m, 2, b, t, s);
    List<NDArray> lm = List.of(randomClips(m, 3, b, t, s), randomClips(m, 4, b, t, s));
    List<NDArray> ln = List.of(randomClips(m, 5, b, t, s), randomClips(m, 6, b, t, s));
    NDArray c = m.create(new float[] {0, 0, 1, 1, 1, 0, 0, 1}, new Shape(2, 4));
    return new PretrainBatch(
        new ViewClips(gm, lm, c), new ViewClips(gn, ln, c.duplicate()), new int[] {0, 1});
  }

  @Test
  void pretrainAugmenterWithoutColourGivesNormalisedFrameDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      PretrainBatch batch = batch(m, 2, 3, 4);
      FimaInputs in =
          new DevicePretrainAugmenter(config(0, 0, 0, DiffAugmentConfig.reference()))
              .augment(batch, 9, true);
      float[] x = batch.m().global().toFloatArray();
      float[] d = denormalize(in.m().motion().get().diff());
      // [B=2, C=3, T=3, 4, 4]: frame t of the difference is (x_t - x_{t-1} + 1) / 2, wrapping.
      int plane = 16;
      for (int bc = 0; bc < 6; bc++) {
        for (int t = 0; t < 3; t++) {
          int prev = (t + 2) % 3;
          for (int p = 0; p < plane; p++) {
            float expect = (x[(bc * 3 + t) * plane + p] - x[(bc * 3 + prev) * plane + p] + 1) / 2;
            assertEquals(expect, d[(bc * 3 + t) * plane + p], 1e-5f);
          }
        }
      }
      assertArrayEquals(x, denormalize(in.m().rgb()), 1e-5f);
      assertEquals(2, in.m().motion().get().localDiffs().size());
      assertEquals(new Shape(2, 4, 4), in.m().motion().get().pixelMotion().getShape());
      // Pixel motion of sample 0 at pixel 0: mean over t of sum_c |x_{t+1} - x_t|.
      float expect = 0;
      for (int t = 0; t < 2; t++) {
        for (int c = 0; c < 3; c++) {
          expect += Math.abs(x[(c * 3 + t + 1) * plane] - x[(c * 3 + t) * plane]) / 2;
        }
      }
      assertEquals(expect, in.m().motion().get().pixelMotion().toFloatArray()[0], 1e-5f);
    }
  }

  @Test
  void zeroFirstDiffModeHasNoMotionInFrameZero() {
    try (NDManager m = NDManager.newBaseManager()) {
      PretrainBatch batch = batch(m, 2, 3, 4);
      AugmentConfig c =
          new AugmentConfig(
              0.2,
              1,
              0.5,
              0,
              0,
              0.4,
              0.4,
              0.4,
              0.1,
              0,
              0.1,
              2,
              true,
              DiffMode.ZERO_FIRST,
              DiffAugmentConfig.reference());
      float[] d =
          denormalize(
              new DevicePretrainAugmenter(c).augment(batch, 9, true).n().motion().get().diff());
      for (int p = 0; p < 16; p++) {
        assertEquals(0.5f, d[p], 1e-6f);
      }
    }
  }

  @Test
  void jitterIsSharedByAllFramesAndDeterministicPerSeed() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Only brightness: out / in is one factor per sample, the same for every frame and pixel.
      AugmentConfig c =
          new AugmentConfig(
              0.2,
              1,
              0.5,
              0,
              1,
              0.4,
              0,
              0,
              0,
              0,
              0.1,
              2,
              true,
              DiffMode.WRAP,
              DiffAugmentConfig.reference());
      NDArray x = randomClips(m, 7, 3, 4, 6).mul(0.5f); // <= 0.5 so 1.4 x never clips
      DeviceClipAugmenter aug = new DeviceClipAugmenter(c);
      float[] in = x.toFloatArray();
      float[] out = denormalize(aug.augment(x, 5));
      int perSample = 3 * 4 * 36;
      for (int b = 0; b < 3; b++) {
        float f = out[b * perSample] / in[b * perSample];
        assertTrue(f >= 0.6f - 1e-4f && f <= 1.4f + 1e-4f, "factor " + f);
        for (int i = 1; i < perSample; i++) {
          assertEquals(f * in[b * perSample + i], out[b * perSample + i], 2e-5f);
        }
      }
      assertArrayEquals(out, denormalize(aug.augment(x, 5)), 0f);
      assertNotEquals(out[0], denormalize(aug.augment(x, 6))[0]);
    }
  }

  @Test
  void mocoBaselineGetsOnlyRgbViewsWhoseAugmentationDoesNotDependOnMotion() {
    try (NDManager m = NDManager.newBaseManager()) {
      PretrainBatch batch = batch(m, 2, 3, 4);
      DevicePretrainAugmenter aug = new DevicePretrainAugmenter(AugmentConfig.defaults());
      FimaInputs moco = aug.augment(batch, 11, false);
      FimaInputs fima = aug.augment(batch, 11, true);
      assertFalse(moco.hasMotion());
      assertTrue(moco.m().motion().isEmpty() && moco.n().motion().isEmpty());
      assertArrayEquals(fima.m().rgb().toFloatArray(), moco.m().rgb().toFloatArray(), 0f);
      assertArrayEquals(batch.m().crop().toFloatArray(), moco.m().crop().toFloatArray(), 0f);
    }
  }
}
