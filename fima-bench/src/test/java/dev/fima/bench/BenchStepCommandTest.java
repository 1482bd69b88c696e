package dev.fima.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchStepCommandTest {

  /**
   * The lines {@code bench/compare_step.sh} reads: a table row, the {@code #step} and {@code
   * #phase} lines, and the {@code #check} sizes, which for MoCo on r3d-tiny at the demo's settings
   * are those the PyTorch twin prints (0.43M trained values, a key encoder of the same size, queue
   * 64 plus the positive as the instance logits' columns).
   */
  @Test
  void printsTheLinesTheComparisonReadsWithTheTwinsSizes() {
    StringWriter text = new StringWriter();
    CommandLine cli = new CommandLine(new BenchStepCommand()).setOut(new PrintWriter(text));
    int code =
        cli.execute(
            "--case",
            "r3d-tiny:8:32:2",
            "--method",
            "moco",
            "--demo",
            "--threads",
            "1",
            "--warmup",
            "1",
            "--steps",
            "1",
            "--profile-steps",
            "0");
    String out = text.toString();
    assertEquals(0, code, out);
    assertTrue(out.contains("\n| moco | r3d-tiny:8:32:2 | 0.43M |"), out);
    assertTrue(out.contains("\n#step java moco r3d-tiny:8:32:2 median="), out);
    assertTrue(out.contains("\n#phase java moco r3d-tiny:8:32:2 other="), out);
    assertTrue(out.contains(" backward="), out);
    assertTrue(
        out.contains(
            "\n#check moco r3d-tiny:8:32:2 trained=425880 key=425880 clip=2x3x8x32x32"
                + " map=2x64x2x4x4 instance_logits=2x65\n"),
        out);
  }

  @Test
  void aMalformedCaseNamesTheOption() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> BenchStepCommand.caseConfig("r3d-tiny:8:32", "fima", true, 1, List.of()));
    assertTrue(e.getMessage().contains("--case"), e.getMessage());
  }
}
