package dev.fima.datasets.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.datasets.TestVideos;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files that broke placement by {@code pts x average fps} on real data, written with the
 * project's own encoder: B-frames, a first timestamp above zero, variable frame rate, a single key
 * frame, and a truncated tail. For each, the index's frame count must equal a full sequential
 * decode's (counted by JavaCV's grabber, an independent decoder loop), and every frame of a random
 * window must have the pixels of the same frame of the sequential decode.
 */
class FrameExactDecodingTest {

  private static final int FRAMES = 60;
  private static final int W = 48;
  private static final int H = 32;

  @TempDir Path dir;

  /** Irregular steps 1, 3, 1, 2, ... at 50 ticks per second, starting at tick 7 (0.14 s). */
  private static long[] irregular(int frames, long start) {
    long[] t = new long[frames];
    t[0] = start;
    for (int i = 1; i < frames; i++) {
      t[i] = t[i - 1] + (i % 4 == 1 ? 3 : i % 4 == 3 ? 2 : 1);
    }
    return t;
  }

  private static long[] shifted(int frames, long start) {
    long[] t = new long[frames];
    for (int i = 0; i < frames; i++) {
      t[i] = start + i;
    }
    return t;
  }

  static Stream<Arguments> cases() {
    VideoWriter.Encoding at25 = VideoWriter.Encoding.of(25, 2);
    VideoWriter.Encoding at50 = VideoWriter.Encoding.of(50, 2);
    return Stream.of(
        Arguments.of("bframes.avi", VideoWriter.Format.MPEG4_AVI, at25.withBFrames(2), null),
        Arguments.of("bframes.mp4", VideoWriter.Format.MPEG4_MP4, at25.withBFrames(3), null),
        Arguments.of("late-start.mp4", VideoWriter.Format.H264_MP4, at25, shifted(FRAMES, 5)),
        Arguments.of(
            "late-start-bframes.mp4",
            VideoWriter.Format.MPEG4_MP4,
            at25.withBFrames(2),
            shifted(FRAMES, 3)),
        Arguments.of("vfr.mp4", VideoWriter.Format.H264_MP4, at50, irregular(FRAMES, 7)),
        Arguments.of(
            "vfr-bframes.mp4",
            VideoWriter.Format.MPEG4_MP4,
            at50.withBFrames(2),
            irregular(FRAMES, 7)),
        Arguments.of("vfr.avi", VideoWriter.Format.MPEG4_AVI, at50, irregular(FRAMES, 0)),
        Arguments.of(
            "one-key-frame.mp4",
            VideoWriter.Format.H264_MP4,
            at25.withKeyFrameInterval(1000),
            null),
        Arguments.of(
            "one-key-frame-bframes.avi",
            VideoWriter.Format.MPEG4_AVI,
            at25.withKeyFrameInterval(1000).withBFrames(2),
            null),
        Arguments.of("mjpeg.avi", VideoWriter.Format.MJPEG_AVI, at25, null));
  }

  /** Counts the frames a full decode by JavaCV's grabber yields. */
  private static int grabberCount(Path file) throws Exception {
    FfmpegSetup.ensure();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
      grabber.start();
      int n = 0;
      Frame f;
      while ((f = grabber.grabImage()) != null) {
        n += f.image != null ? 1 : 0;
      }
      grabber.stop();
      return n;
    }
  }

  /** Every frame of a sequential decode from the start. */
  private static byte[][] sequential(Path file, VideoInfo info) throws Exception {
    byte[][] frames = new byte[info.frames()][];
    try (VideoReader reader = VideoReader.open(file, info, 0)) {
      int real = reader.read(0, info.frames(), (o, bgr, w, h) -> frames[o] = bgr.clone());
      assertEquals(info.frames(), real, "a full read delivers every indexed frame");
    }
    return frames;
  }

  /**
   * Reads random windows, on one reader (forward gaps, backward jumps) and on fresh ones, and
   * checks each frame against the sequential decode.
   */
  private static void assertRandomWindowsMatch(Path file, VideoInfo info, byte[][] expected)
      throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    int n = info.frames();
    List<int[]> windows = new ArrayList<>();
    windows.add(new int[] {n - 1, 1});
    windows.add(new int[] {0, Math.min(8, n)});
    for (int k = 0; k < 24; k++) {
      int start = random.nextInt(n);
      windows.add(new int[] {start, 1 + random.nextInt(Math.min(12, n - start))});
    }
    try (VideoReader shared = VideoReader.open(file, info, 0)) {
      for (int k = 0; k < windows.size(); k++) {
        int start = windows.get(k)[0];
        int count = windows.get(k)[1];
        byte[][] got = new byte[count][];
        int real;
        if (k % 4 == 3) {
          try (VideoReader fresh = VideoReader.open(file, info, 0)) {
            real = fresh.read(start, count, (o, bgr, w, h) -> got[o] = bgr.clone());
          }
        } else {
          real = shared.read(start, count, (o, bgr, w, h) -> got[o] = bgr.clone());
        }
        assertEquals(count, real, "window at " + start);
        for (int i = 0; i < count; i++) {
          assertArrayEquals(expected[start + i], got[i], "frame " + (start + i) + " of " + file);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void framesArePlacedByTheirTimestamps(
      String name, VideoWriter.Format format, VideoWriter.Encoding encoding, long[] timestamps)
      throws Exception {
    Path file =
        TestVideos.indexVideo(dir.resolve(name), format, encoding, FRAMES, W, H, timestamps);
    VideoInfo info = VideoReader.probe(file);
    assertEquals(grabberCount(file), info.frames(), "frames of a full decode");
    assertEquals(FRAMES, info.frames(), "every written frame decodes");
    assertFalse(info.truncated());
    byte[][] frames = sequential(file, info);
    for (int i = 0; i < FRAMES; i++) {
      assertEquals(i, TestVideos.indexOf(frames[i]), "sequential frame " + i + " of " + name);
    }
    assertRandomWindowsMatch(file, info, frames);
  }

  @Test
  void theCasesReallyHaveTheirTimestamps() throws Exception {
    // B-frames in an AVI (no timestamps of its own) start one frame late, as the real UCF101-like
    // files measured in the issue did (0.04 s at 25 fps).
    VideoInfo bframes =
        VideoReader.probe(
            TestVideos.indexVideo(
                dir.resolve("b.avi"),
                VideoWriter.Format.MPEG4_AVI,
                VideoWriter.Encoding.of(25, 2).withBFrames(2),
                FRAMES,
                W,
                H,
                null));
    assertEquals(1, bframes.timestamps().start());
    // An irregular MP4 keeps its gaps: 0.14 s start, steps of 1, 3, 1 and 2 ticks of 1/50 s.
    long[] ticks = irregular(FRAMES, 7);
    VideoInfo vfr =
        VideoReader.probe(
            TestVideos.indexVideo(
                dir.resolve("v.mp4"),
                VideoWriter.Format.H264_MP4,
                VideoWriter.Encoding.of(50, 2),
                FRAMES,
                W,
                H,
                ticks));
    FrameTimestamps t = vfr.timestamps();
    // The first step is 3 ticks; every other step keeps its length in those units.
    double tick = (t.at(1) - t.at(0)) / 3.0;
    for (int i = 1; i < FRAMES; i++) {
      assertEquals(ticks[i] - ticks[i - 1], (t.at(i) - t.at(i - 1)) / tick, 1e-9, "step " + i);
    }
    assertTrue(t.start() > 0, "first timestamp " + t.start());
    // The rate is the mean spacing of the timestamps (not any one step).
    assertEquals((FRAMES - 1) / ((ticks[FRAMES - 1] - ticks[0]) / 50.0), vfr.fps(), 1e-6);
    // An AVI stores the gaps as placeholder frames: its header counts them, the decode does not.
    long[] slots = irregular(FRAMES, 0);
    VideoInfo avi =
        VideoReader.probe(
            TestVideos.indexVideo(
                dir.resolve("v.avi"),
                VideoWriter.Format.MPEG4_AVI,
                VideoWriter.Encoding.of(50, 2),
                FRAMES,
                W,
                H,
                slots));
    assertEquals(FRAMES, avi.frames());
    assertEquals(slots[FRAMES - 1] + 1, avi.headerFrames());
    assertFalse(avi.truncated(), "placeholders are not a truncation");
  }

  @Test
  void aTruncatedTailIsRecordedWithBothCountsAndItsFramesStillPlaceExactly() throws Exception {
    Path whole =
        TestVideos.indexVideo(
            dir.resolve("whole.avi"),
            VideoWriter.Format.MPEG4_AVI,
            // No B-frames: a cut B-frame stream loses the B-frames before its last P-frame, so
            // its decoded frames would no longer be the written ones in order.
            VideoWriter.Encoding.of(25, 2),
            FRAMES,
            W,
            H,
            null);
    Path cut = TestVideos.truncated(whole, dir.resolve("cut.avi"), 0.7);
    VideoInfo info = VideoReader.probe(cut);
    assertTrue(info.truncated());
    assertEquals(FRAMES, info.headerFrames());
    assertEquals(grabberCount(cut), info.frames());
    assertTrue(info.frames() > 10 && info.frames() < FRAMES, "decodable " + info.frames());
    assertEquals(
        "truncated: " + info.frames() + " of the " + FRAMES + " frames its header lists decode",
        info.truncation());
    byte[][] frames = sequential(cut, info);
    for (int i = 0; i < info.frames(); i++) {
      assertEquals(i, TestVideos.indexOf(frames[i]), "sequential frame " + i);
    }
    assertRandomWindowsMatch(cut, info, frames);
  }
}
