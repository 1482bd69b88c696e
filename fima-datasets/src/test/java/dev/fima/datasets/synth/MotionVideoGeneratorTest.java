package dev.fima.datasets.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.data.Split;
import dev.fima.datasets.readers.DatasetListing;
import dev.fima.datasets.readers.Ucf101;
import dev.fima.datasets.video.VideoInfo;
import dev.fima.datasets.video.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotionVideoGeneratorTest {

  @TempDir Path dir;

  private static SynthConfig config(Path out, int classes, int videos, long seed) {
    return config(out, classes, videos, seed, 0);
  }

  private static SynthConfig config(
      Path out, int classes, int videos, long seed, double speedChange) {
    return new SynthConfig(
        out.toString(),
        classes,
        videos,
        20,
        64,
        48,
        25,
        0.25,
        seed,
        0.3,
        0.5,
        1,
        1,
        1.0,
        0.5,
        0.02,
        1.0,
        speedChange);
  }

  @Test
  void writesTheUcf101LayoutWithVideosThatDecodeBack() throws Exception {
    Path root = new MotionVideoGenerator().generate(config(dir.resolve("a"), 3, 4, 5));
    List<String> classInd = Files.readAllLines(root.resolve("ucfTrainTestlist/classInd.txt"));
    assertEquals(List.of("1 MoveUp", "2 MoveDown", "3 Expand"), classInd);
    Path video = root.resolve("UCF-101/Expand/v_Expand_g03_c01.avi");
    VideoInfo info = VideoReader.probe(video);
    assertEquals(20, info.frames());
    assertEquals(64, info.width());
    assertEquals(48, info.height());
    assertEquals(25.0, info.fps(), 1e-9);
    // One test video per class (round(0.25 * 4)), a different one in each split.
    for (int split = 1; split <= 3; split++) {
      DatasetListing listing =
          Ucf101.builder().setRoot(root).optSplit(split).optCacheIndex(false).build().listing();
      assertEquals(9, listing.videos(Split.TRAIN).size());
      assertEquals(3, listing.videos(Split.TEST).size());
      assertTrue(listing.report().missing().isEmpty());
      assertTrue(listing.report().unlisted().isEmpty());
    }
    assertEquals(
        List.of(
            "MoveUp/v_MoveUp_g01_c01.avi",
            "MoveDown/v_MoveDown_g01_c01.avi",
            "Expand/v_Expand_g01_c01.avi"),
        Files.readAllLines(root.resolve("ucfTrainTestlist/testlist01.txt")));
    // Split k starts its held-out run at floor((k - 1) * 4 / 3): videos 0, 1 and 2.
    assertEquals(
        "MoveUp/v_MoveUp_g02_c01.avi",
        Files.readAllLines(root.resolve("ucfTrainTestlist/testlist02.txt")).get(0));
    assertEquals(
        "MoveUp/v_MoveUp_g03_c01.avi",
        Files.readAllLines(root.resolve("ucfTrainTestlist/testlist03.txt")).get(0));
    assertEquals(
        "MoveUp/v_MoveUp_g02_c01.avi 1",
        Files.readAllLines(root.resolve("ucfTrainTestlist/trainlist01.txt")).get(0));
  }

  @Test
  void sameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
    Path a = new MotionVideoGenerator().generate(config(dir.resolve("a"), 2, 2, 9));
    Path b = new MotionVideoGenerator().generate(config(dir.resolve("b"), 2, 2, 9));
    Path c = new MotionVideoGenerator().generate(config(dir.resolve("c"), 2, 2, 10));
    String rel = "UCF-101/MoveDown/v_MoveDown_g02_c01.avi";
    assertArrayEquals(Files.readAllBytes(a.resolve(rel)), Files.readAllBytes(b.resolve(rel)));
    assertFalse(
        java.util.Arrays.equals(
            Files.readAllBytes(a.resolve(rel)), Files.readAllBytes(c.resolve(rel))));
    try (var files = Files.walk(a)) {
      assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "temporary files left");
    }
  }

  @Test
  void aChangingRateMovesTheSameWayFasterAndSlowerByTurnsWithTheSameMeanRate() {
    double[] clock = MotionPattern.changingClock(48, 1.0, new SplittableRandom(3));
    assertEquals(0, clock[0], 0);
    assertEquals(47, clock[47], 1e-9);
    double fastest = 0;
    double slowest = Double.MAX_VALUE;
    for (int t = 1; t < 48; t++) {
      double step = clock[t] - clock[t - 1];
      assertTrue(step > 0, "time never runs backwards");
      fastest = Math.max(fastest, step);
      slowest = Math.min(slowest, step);
    }
    // exp(sin) spans e^-1 to e^1 over a period of at most 32 of the 47 steps.
    assertTrue(fastest / slowest > 5, fastest + " / " + slowest);
    // On the clock, MoveUp still only moves up, by the same total distance as at a steady rate.
    MotionPattern.Pose[] up =
        MotionPattern.MOVE_UP.trajectory(96, 72, 48, 20, 1, new SplittableRandom(4), clock);
    MotionPattern.Pose[] steady =
        MotionPattern.MOVE_UP.trajectory(96, 72, 48, 20, 1, new SplittableRandom(4));
    for (int t = 1; t < 48; t++) {
      assertTrue(up[t].y() < up[t - 1].y());
    }
    assertEquals(steady[47].y() - steady[0].y(), up[47].y() - up[0].y(), 1e-9);
    assertArrayEquals(MotionPattern.steadyClock(5), MotionPattern.changingClock(5, 0, null), 0);
  }

  @Test
  void aChangingRateLeavesTheAppearanceAndTheStillVideosAsTheyWere() throws Exception {
    Path steady = new MotionVideoGenerator().generate(config(dir.resolve("s"), 9, 2, 9, 0));
    Path changing = new MotionVideoGenerator().generate(config(dir.resolve("c"), 9, 2, 9, 1));
    // Still (class 9) does not move: its videos are byte for byte the same.
    String still = "UCF-101/Still/v_Still_g02_c01.avi";
    assertArrayEquals(
        Files.readAllBytes(steady.resolve(still)), Files.readAllBytes(changing.resolve(still)));
    String up = "UCF-101/MoveUp/v_MoveUp_g02_c01.avi";
    assertFalse(
        java.util.Arrays.equals(
            Files.readAllBytes(steady.resolve(up)), Files.readAllBytes(changing.resolve(up))));
  }

  @Test
  void tooManyClassesIsAConfigurationError() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new MotionVideoGenerator().generate(config(dir.resolve("x"), 11, 2, 1)));
    assertEquals("classes", e.field());
  }

  @Test
  void trajectoriesMoveAsTheirClassSays() {
    SplittableRandom r = new SplittableRandom(4);
    MotionPattern.Pose[] up = MotionPattern.MOVE_UP.trajectory(96, 72, 48, 20, 1, r);
    // 0.012 * 72 pixels per frame upwards, x fixed.
    assertEquals(-0.012 * 72 * 47, up[47].y() - up[0].y(), 1e-9);
    assertEquals(up[0].x(), up[47].x(), 0);
    MotionPattern.Pose[] grow = MotionPattern.EXPAND.trajectory(96, 72, 48, 20, 1, r);
    assertEquals(Math.exp(0.012 * 47), grow[47].side() / grow[0].side(), 1e-9);
    MotionPattern.Pose[] swing = MotionPattern.SWING_HORIZONTAL.trajectory(96, 72, 48, 20, 1, r);
    // Period 24: frame 24 is back where frame 0 was; y never moves.
    assertEquals(swing[0].x(), swing[24].x(), 1e-9);
    assertEquals(swing[0].y(), swing[30].y(), 0);
    MotionPattern.Pose[] still = MotionPattern.STILL.trajectory(96, 72, 48, 20, 1, r);
    assertEquals(still[0], still[47]);
    // Spin and orbit turn both ways across objects, so a horizontal flip stays in the class.
    boolean clockwise = false;
    boolean anticlockwise = false;
    for (int i = 0; i < 20; i++) {
      MotionPattern.Pose[] spin = MotionPattern.SPIN.trajectory(96, 72, 48, 20, 1, r);
      clockwise |= spin[1].angle() > spin[0].angle();
      anticlockwise |= spin[1].angle() < spin[0].angle();
    }
    assertTrue(clockwise && anticlockwise);
  }
}
