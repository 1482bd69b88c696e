package dev.fima.datasets.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fima.datasets.video.VideoInfo;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplersTest {

  @Test
  void windowCountsFollowFramesMinusWindowPlusOne() {
    assertEquals(69, new VideoInfo(100, 25, 320, 240).windows(32));
    assertEquals(1, new VideoInfo(32, 25, 320, 240).windows(32));
    assertEquals(0, new VideoInfo(31, 25, 320, 240).windows(32));
    assertEquals(85, new VideoInfo(100, 25, 320, 240).windows(16));
  }

  @Test
  void twoWindowSamplerDrawsDistinctWindowsUniformly() {
    SplittableRandom random = new SplittableRandom(1);
    int[] counts = new int[5];
    for (int i = 0; i < 5000; i++) {
      int[] mn = TwoWindowClipSampler.sample(5, random);
      assertNotEquals(mn[0], mn[1]);
      counts[mn[0]]++;
      counts[mn[1]]++;
    }
    for (int c : counts) {
      assertEquals(2000, c, 150);
    }
    assertArrayEquals(new int[] {0, 0}, TwoWindowClipSampler.sample(1, random));
  }

  @Test
  void uniformSamplerMatchesFlooredLinspace() {
    // floor(linspace(0, 68, 10)) = 0, 7.55, 15.1, 22.67, 30.2, 37.8, 45.3, 52.9, 60.4, 68
    assertArrayEquals(
        new int[] {0, 7, 15, 22, 30, 37, 45, 52, 60, 68}, UniformClipSampler.sample(69, 10));
    // Fewer windows than clips repeat windows.
    assertArrayEquals(new int[] {0, 0, 1, 1, 2}, UniformClipSampler.sample(3, 5));
    assertArrayEquals(new int[] {0, 0, 0}, UniformClipSampler.sample(0, 3));
  }

  @Test
  void randomSamplerCoversEveryWindow() {
    SplittableRandom random = new SplittableRandom(2);
    boolean[] seen = new boolean[4];
    for (int i = 0; i < 200; i++) {
      seen[RandomClipSampler.sample(4, random)] = true;
    }
    assertArrayEquals(new boolean[] {true, true, true, true}, seen);
    assertEquals(0, RandomClipSampler.sample(0, random));
  }
}
