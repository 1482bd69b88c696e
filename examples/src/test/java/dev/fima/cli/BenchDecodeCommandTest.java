package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plumbing of {@code fima bench decode} on tiny inputs; no figure is asserted on. */
class BenchDecodeCommandTest {

  @TempDir Path dir;

  @Test
  void comparesWithFfmpegOnTheSameFramesAndTimesASampleBeforeAndAfterPrepare() {
    CliRun r =
        CliRun.of(
            "bench",
            "decode",
            "--rounds",
            "2",
            "--samples",
            "2",
            "--videos",
            "2",
            "--video-frames",
            "40",
            "--window",
            "8");
    assertEquals(0, r.code(), r.err() + r.out());
    String text = r.out();
    assertTrue(text.contains("2 files, 80 frames (indexed by a full decode)"), text);
    boolean ffmpegRan = !text.contains("ffmpeg: not run");
    if (ffmpegRan) {
      // FFmpeg's own decode counts the same frames as the index.
      assertEquals(2, count(text, ": 40 frames by fima-j, 40 by ffmpeg\n"), text);
      assertFalse(text.contains("DIFFERENT"), text);
      Matcher ratio =
          Pattern.compile(
                  "median of 2 rounds: fima-j [0-9]+ frames/s, ffmpeg [0-9]+ frames/s,"
                      + " ratio fima-j/ffmpeg ([0-9.]+)")
              .matcher(text);
      assertTrue(ratio.find(), text);
      assertTrue(Double.parseDouble(ratio.group(1)) > 0, text);
    } else {
      assertTrue(text.contains("median: fima-j "), text);
    }
    assertEquals(2, count(text, "round "), text);
    Matcher sample =
        Pattern.compile(
                "decode per pretraining sample \\(2 windows of 8 frames, 2 samples\\) of"
                    + " long-gop.mp4: ([0-9.]+) ms at 640x480 as it is, ([0-9.]+) ms at 340x256"
                    + " after fima prepare \\(short side 256, a key frame every 16 frames\\)")
            .matcher(text);
    assertTrue(sample.find(), text);
  }

  @Test
  void aMissingInputIsOneLineNamingIt() {
    Path missing = dir.resolve("nothing-here");
    CliRun r = CliRun.of("bench", "decode", missing.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().startsWith("fima: " + missing), r.err());
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
