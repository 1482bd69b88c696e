package dev.fima.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class CropGeometryTest {

  /** A random source that replays scripted values, so that a crop can be worked out by hand. */
  private static final class Script implements RandomGenerator {
    private final Deque<Double> doubles = new ArrayDeque<>();
    private final Deque<Integer> ints = new ArrayDeque<>();

    Script withDoubles(double... values) {
      for (double v : values) {
        doubles.add(v);
      }
      return this;
    }

    Script withInts(int... values) {
      for (int v : values) {
        ints.add(v);
      }
      return this;
    }

    @Override
    public double nextDouble() {
      return doubles.removeFirst();
    }

    @Override
    public int nextInt(int bound) {
      int v = ints.removeFirst();
      assertTrue(v < bound, v + " >= bound " + bound);
      return v;
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void coordinatesOfAHandComputedCropWithAndWithoutFlip() {
    // 320x240 frame; scale draw 0.5 -> area fraction 0.2 + 0.8 * 0.5 = 0.6 of 76800 = 46080;
    // ratio draw 0.5 -> log ratio 0 -> square side round(sqrt(46080)) = round(214.66) = 215.
    // Offsets: top 10 of 26 choices, left 50 of 106. Flip draw 0.3 < 0.5 -> flipped.
    RandomResizedCrop crop = new RandomResizedCrop(0.2, 1.0, 0.5);
    CropBox flipped =
        crop.sample(240, 320, new Script().withDoubles(0.5, 0.5, 0.3).withInts(10, 50));
    assertEquals(new CropBox(10, 50, 215, 215, 240, 320, true), flipped);
    float[] expected = {264f / 319, 10f / 239, 50f / 319, 224f / 239};
    assertArrayEquals(expected, flipped.coords(), 1e-7f);

    CropBox straight =
        crop.sample(240, 320, new Script().withDoubles(0.5, 0.5, 0.7).withInts(10, 50));
    assertArrayEquals(
        new float[] {50f / 319, 10f / 239, 264f / 319, 224f / 239}, straight.coords(), 1e-7f);
  }

  @Test
  void tooLargeTriesFallBackToTheCentralCrop() {
    // Scale 1.0 with ratio 4/3 needs w = round(sqrt(76800 * 4/3)) = 320, h = 240: it fits. Ten
    // tries of a 4/3 ratio on a 100x100 frame at scale 1 give w = 115 > 100 and fall back.
    Script script = new Script();
    for (int i = 0; i < 10; i++) {
      script.withDoubles(1.0, 1.0);
    }
    script.withDoubles(0.9);
    CropBox box = new RandomResizedCrop(0.2, 1.0, 0.5).sample(100, 100, script);
    assertEquals(new CropBox(0, 0, 100, 100, 100, 100, false), box);
    // A 2:1 frame falls back to the widest allowed 4:3 box, centred.
    assertEquals(
        new CropBox(0, 20, 60, 80, 60, 120, false), RandomResizedCrop.centralFallback(60, 120));
  }

  @Test
  void drawnCropsRespectScaleRatioAndFlipRate() {
    RandomResizedCrop crop = new RandomResizedCrop(0.2, 1.0, 0.5);
    SplittableRandom random = new SplittableRandom(3);
    int flips = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      CropBox box = crop.sample(240, 320, random);
      double area = (double) box.width() * box.height() / (240 * 320);
      double ratio = (double) box.width() / box.height();
      assertTrue(area > 0.19 && area <= 1.0, "area " + area);
      assertTrue(ratio > 0.74 && ratio < 1.35, "ratio " + ratio);
      flips += box.flipped() ? 1 : 0;
    }
    assertEquals(0.5, (double) flips / n, 0.03);
  }

  @Test
  void evaluationCropsSitAtStartCentreAndEndOfTheLongSide() {
    assertEquals(
        List.of(new CropBox(0, 40, 240, 240, 240, 320, false)), FixedCrops.of(240, 320, 1));
    assertEquals(
        List.of(
            new CropBox(0, 0, 240, 240, 240, 320, false),
            new CropBox(0, 40, 240, 240, 240, 320, false),
            new CropBox(0, 80, 240, 240, 240, 320, false)),
        FixedCrops.of(240, 320, 3));
    // Portrait frames slide along the rows.
    assertEquals(new CropBox(20, 0, 60, 60, 100, 60, false), FixedCrops.of(100, 60, 3).get(1));
  }
}
