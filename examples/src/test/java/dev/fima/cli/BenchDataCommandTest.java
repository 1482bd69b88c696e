package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchDataCommandTest {

  @Test
  void generatesItsOwnVideosAndReportsBothRates() {
    CliRun r =
        CliRun.of(
            "bench",
            "data",
            "--videos",
            "8",
            "--size",
            "64x48",
            "--video-frames",
            "30",
            "--clip",
            "4x32",
            "--batch",
            "2",
            "--batches",
            "2",
            "--workers",
            "1");
    assertEquals(0, r.code(), r.err());
    String text = r.out();
    assertTrue(text.contains("generated 8 videos of 30 frames at 64x48"), text);
    // One training video of each of the 4 classes is held out: 4 videos in the train list.
    assertTrue(text.contains("4 videos (0 quarantined), clips 4x32x32, stride 2"), text);
    Matcher samples = Pattern.compile("pretraining samples/s: ([0-9.]+) \\(6 clips").matcher(text);
    assertTrue(samples.find(), text);
    assertTrue(Double.parseDouble(samples.group(1)) > 0, text);
    assertTrue(Pattern.compile("single clips/s: [0-9.]+").matcher(text).find(), text);
    assertTrue(text.contains("profile, one thread"), text);
  }
}
