package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code fima bench gradients} through the command line: its table and its option errors. */
class BenchGradientsCommandTest {

  @Test
  void countsPassesPerCaseInATable() {
    CliRun r =
        CliRun.of(
            "bench",
            "gradients",
            "--case",
            "r3d-tiny:0.5:4:32:2",
            "--passes",
            "3",
            "--threads",
            "1");
    assertEquals(0, r.code(), r.err());
    Matcher row =
        Pattern.compile("\\| r3d-tiny \\| 0\\.5 \\| 4 \\| 32 \\| 2 \\| 3 \\| (\\d) \\| (.+) \\|")
            .matcher(r.out());
    assertTrue(row.find(), r.out());
    int bad = Integer.parseInt(row.group(1));
    // A transient engine fault is possible (that is what the command measures), so no exact count.
    assertTrue(bad <= 3, r.out());
    assertEquals(bad == 0, row.group(2).equals("-"), r.out());
  }

  @Test
  void aMalformedCaseNamesTheOption() {
    CliRun r = CliRun.of("bench", "gradients", "--case", "r3d-tiny:8:32", "--passes", "1");
    assertEquals(2, r.code());
    assertTrue(
        r.err().contains("--case: expected NAME:WIDTH:FRAMES:CROP:BATCH, got r3d-tiny:8:32"),
        r.err());
  }
}
