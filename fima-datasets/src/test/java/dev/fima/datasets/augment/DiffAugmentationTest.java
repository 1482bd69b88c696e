package dev.fima.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;

/**
 * Pixel-level checks of the difference clips' augmentation parts on a hand-made clip: a flat
 * background of colour (0.2, 0.5, 0.8) over which a 2 x 2 block of colour (0.9, 0.1, 0.3) appears
 * in frame 1 at rows and columns 10-11 of a 30 x 30 frame. Its wrapped frame difference is 0.5
 * everywhere except the block, which is (0.15, 0.7, 0.75) in frame 0 and (0.85, 0.3, 0.25) in frame
 * 1. Every colour probability is 1 (jitter with brightness 0.4 only, blur with sigma exactly 1), so
 * each part, when on, is applied to every sample and its effect is known in closed form.
 */
class DiffAugmentationTest {

  private static final int S = 30;
  private static final int T = 2;
  private static final float[] BACKGROUND = {0.2f, 0.5f, 0.8f};
  private static final float[] BLOCK = {0.9f, 0.1f, 0.3f};
  private static final float[] BLOCK_DIFF_1 = {0.85f, 0.3f, 0.25f};
  private static final float[] MEAN = ColorAugmentation.KINETICS_MEAN;
  private static final float[] STD = ColorAugmentation.KINETICS_STD;

  /** Gaussian taps of sigma 1 over a 3-tap kernel (int(0.1 * 30) // 2 * 2 + 1 = 3). */
  private static final double SIDE = Math.exp(-0.5) / (1 + 2 * Math.exp(-0.5));

  private static final double CENTRE = 1 / (1 + 2 * Math.exp(-0.5));

  private static AugmentConfig config(double gray, double blur, DiffAugmentConfig diff) {
    return new AugmentConfig(
        0.5, 1, 0, gray, 1, 0.4, 0, 0, 0, blur, 1.0, 1.0, true, DiffMode.WRAP, diff);
  }

  /** The hand-made clip, the same for every sample: {@code [b, 3, 2, 30, 30]}. */
  private static NDArray clip(NDManager m, int b) {
    float[] v = new float[b * 3 * T * S * S];
    for (int i = 0; i < b; i++) {
      for (int c = 0; c < 3; c++) {
        for (int t = 0; t < T; t++) {
          for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
              boolean block = t == 1 && y >= 10 && y <= 11 && x >= 10 && x <= 11;
              v[at(i, c, t, y, x)] = block ? BLOCK[c] : BACKGROUND[c];
            }
          }
        }
      }
    }
    return m.create(v, new Shape(b, 3, T, S, S));
  }

  private static int at(int b, int c, int t, int y, int x) {
    return (((b * 3 + c) * T + t) * S + y) * S + x;
  }

  private static PretrainBatch batch(NDManager m, int b) {
    NDArray coords = m.zeros(new Shape(b, 4));
    NDArray globalM = clip(m, b);
    List<NDArray> localsM = List.of(clip(m, b), clip(m, b));
    NDArray globalN = clip(m, b);
    List<NDArray> localsN = List.of(clip(m, b), clip(m, b));
    return new PretrainBatch(
        new ViewClips(globalM, localsM, coords),
        new ViewClips(globalN, localsN, coords.duplicate()),
        new int[b]);
  }

  private static float[] augmentDiffM(AugmentConfig config, NDManager m) {
    FimaInputs in = new DevicePretrainAugmenter(config).augment(batch(m, 2), 17, true);
    return in.m().motion().get().diff().toFloatArray();
  }

  private static float normalized(float v, int c) {
    return (v - MEAN[c]) / STD[c];
  }

  private static float unnormalized(float v, int c) {
    return v * STD[c] + MEAN[c];
  }

  @Test
  void noneLeavesTheFrameDifferenceAndNormalisesIt() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] out = augmentDiffM(config(1, 1, DiffAugmentConfig.none()), m);
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(normalized(0.5f, c), out[at(b, c, 1, 0, 0)], 1e-6f);
          assertEquals(normalized(BLOCK_DIFF_1[c], c), out[at(b, c, 1, 10, 11)], 1e-6f);
          assertEquals(normalized(1f - BLOCK_DIFF_1[c], c), out[at(b, c, 0, 11, 10)], 1e-6f);
        }
      }
    }
  }

  @Test
  void withoutNormalisationTheValuesStayInTheUnitRange() {
    try (NDManager m = NDManager.newBaseManager()) {
      DiffAugmentConfig raw = new DiffAugmentConfig(false, false, false, false, false);
      float[] out = augmentDiffM(config(1, 1, raw), m);
      for (int c = 0; c < 3; c++) {
        assertEquals(0.5f, out[at(1, c, 0, 3, 4)], 1e-6f);
        assertEquals(BLOCK_DIFF_1[c], out[at(1, c, 1, 11, 11)], 1e-6f);
      }
    }
  }

  @Test
  void grayscaleAloneTurnsEveryPixelIntoItsGreyLevelAndNothingElse() {
    try (NDManager m = NDManager.newBaseManager()) {
      DiffAugmentConfig gray = new DiffAugmentConfig(false, true, false, true, false);
      float[] out = augmentDiffM(config(1, 1, gray), m);
      float g = 0.299f * BLOCK_DIFF_1[0] + 0.587f * BLOCK_DIFF_1[1] + 0.114f * BLOCK_DIFF_1[2];
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < 3; c++) {
          // Grey stays grey (no jitter); the block keeps its sharp edge (no blur).
          assertEquals(0.5f, unnormalized(out[at(b, c, 1, 9, 9)], c), 1e-6f);
          assertEquals(g, unnormalized(out[at(b, c, 1, 10, 10)], c), 1e-6f);
          assertEquals(0.5f, unnormalized(out[at(b, c, 1, 10, 12)], c), 1e-6f);
        }
      }
    }
  }

  @Test
  void jitterAloneScalesEachSampleByOneFactorAndNothingElse() {
    try (NDManager m = NDManager.newBaseManager()) {
      DiffAugmentConfig jitter = new DiffAugmentConfig(true, false, false, true, false);
      float[] out = augmentDiffM(config(1, 1, jitter), m);
      float[] factors = new float[2];
      for (int b = 0; b < 2; b++) {
        float f = unnormalized(out[at(b, 0, 0, 0, 0)], 0) / 0.5f;
        factors[b] = f;
        assertTrue(f >= 0.6f - 1e-5f && f <= 1.4f + 1e-5f && Math.abs(f - 1) > 1e-3, "f " + f);
        for (int c = 0; c < 3; c++) {
          assertEquals(0.5f * f, unnormalized(out[at(b, c, 1, 9, 9)], c), 1e-5f);
          // Colours stay apart (no grayscale) and the block's edge stays sharp (no blur).
          float block = Math.min(1f, BLOCK_DIFF_1[c] * f);
          assertEquals(block, unnormalized(out[at(b, c, 1, 10, 10)], c), 1e-5f);
          assertEquals(0.5f * f, unnormalized(out[at(b, c, 1, 10, 12)], c), 1e-5f);
        }
      }
      assertNotEquals(factors[0], factors[1], "factors are drawn per sample");
    }
  }

  @Test
  void blurAloneSpreadsTheBlockByTheGaussianTapsAndNothingElse() {
    try (NDManager m = NDManager.newBaseManager()) {
      DiffAugmentConfig blur = new DiffAugmentConfig(false, false, true, true, false);
      float[] out = augmentDiffM(config(1, 1, blur), m);
      // Pixel (10, 10) sees the block in its own cell and the three cells right and below it.
      double inside = (CENTRE + SIDE) * (CENTRE + SIDE);
      // Pixel (9, 9) sees only the block's corner (10, 10), through two side taps.
      double corner = SIDE * SIDE;
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < 3; c++) {
          double d = BLOCK_DIFF_1[c] - 0.5;
          assertEquals(0.5 + d * inside, unnormalized(out[at(b, c, 1, 10, 10)], c), 1e-5);
          assertEquals(0.5 + d * corner, unnormalized(out[at(b, c, 1, 9, 9)], c), 1e-5);
          assertEquals(0.5, unnormalized(out[at(b, c, 1, 20, 20)], c), 1e-6);
        }
      }
    }
  }

  @Test
  void theReferenceAppliesGrayscaleThenJitterThenBlur() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] out = augmentDiffM(config(1, 1, DiffAugmentConfig.reference()), m);
      float g = 0.299f * BLOCK_DIFF_1[0] + 0.587f * BLOCK_DIFF_1[1] + 0.114f * BLOCK_DIFF_1[2];
      double inside = (CENTRE + SIDE) * (CENTRE + SIDE);
      for (int b = 0; b < 2; b++) {
        float f = unnormalized(out[at(b, 0, 0, 0, 0)], 0) / 0.5f;
        assertTrue(Math.abs(f - 1) > 1e-3, "jitter applied, factor " + f);
        double level = 0.5 * f;
        double block = Math.min(1, g * f);
        for (int c = 0; c < 3; c++) {
          assertEquals(level, unnormalized(out[at(b, c, 1, 25, 3)], c), 1e-5);
          assertEquals(
              level + (block - level) * inside, unnormalized(out[at(b, c, 1, 10, 10)], c), 1e-5);
        }
      }
    }
  }

  @Test
  void aSharedDrawGivesTheDifferenceClipsTheColourParametersOfTheirRgbView() {
    try (NDManager m = NDManager.newBaseManager()) {
      DiffAugmentConfig shared = new DiffAugmentConfig(true, false, false, true, true);
      DiffAugmentConfig own = new DiffAugmentConfig(true, false, false, true, false);
      FimaInputs sharedIn =
          new DevicePretrainAugmenter(config(0, 0, shared)).augment(batch(m, 2), 17, true);
      FimaInputs ownIn =
          new DevicePretrainAugmenter(config(0, 0, own)).augment(batch(m, 2), 17, true);
      for (int b = 0; b < 2; b++) {
        // The RGB background's red 0.2 is scaled by the view's factor, without clipping.
        float fm = unnormalized(sharedIn.m().rgb().toFloatArray()[at(b, 0, 0, 0, 0)], 0) / 0.2f;
        float fn = unnormalized(sharedIn.n().rgb().toFloatArray()[at(b, 0, 0, 0, 0)], 0) / 0.2f;
        assertNotEquals(fm, fn, 1e-4f);
        List<NDArray> viewM =
            List.of(
                sharedIn.m().motion().get().diff(),
                sharedIn.m().motion().get().localDiffs().get(0),
                sharedIn.m().motion().get().localDiffs().get(1));
        for (NDArray d : viewM) {
          assertEquals(fm, unnormalized(d.toFloatArray()[at(b, 0, 0, 0, 0)], 0) / 0.5f, 1e-5f);
        }
        assertEquals(
            fn,
            unnormalized(sharedIn.n().motion().get().diff().toFloatArray()[at(b, 0, 0, 0, 0)], 0)
                / 0.5f,
            1e-5f);
        // Drawn on their own, the difference clips' factors differ from the view's.
        float ownFactor =
            unnormalized(ownIn.m().motion().get().diff().toFloatArray()[at(b, 0, 0, 0, 0)], 0)
                / 0.5f;
        assertNotEquals(fm, ownFactor, 1e-3f);
        // The RGB views are the same whichever way the difference clips draw.
        assertEquals(
            sharedIn.m().rgb().toFloatArray()[at(b, 2, 1, 10, 10)],
            ownIn.m().rgb().toFloatArray()[at(b, 2, 1, 10, 10)],
            0f);
      }
    }
  }
}
