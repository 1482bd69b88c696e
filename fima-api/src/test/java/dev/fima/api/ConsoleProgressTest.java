package dev.fima.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  private static String run(boolean terminal, boolean disabled, int steps) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress bar =
        new ConsoleProgress(
            new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, disabled);
    bar.reset("Indexing videos", steps);
    bar.start(0);
    for (int i = 1; i < steps; i++) {
      bar.update(i, "step " + i);
    }
    bar.end();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void offATerminalPrintsOneLinePerTenthWithTheWholeLabel() {
    String log = run(false, false, 200);
    String[] lines = log.split("\n");
    // 0% is never shown (the first update is already step 1 of 200 = 0%, shown as 0), then
    // 10, 20, ..., 100: eleven lines in all.
    assertEquals(11, lines.length, log);
    assertTrue(lines[0].startsWith("Indexing videos   0% |"), lines[0]);
    assertTrue(lines[5].startsWith("Indexing videos  50% |"), lines[5]);
    assertTrue(lines[10].startsWith("Indexing videos 100% |" + "=".repeat(30) + "|"), lines[10]);
    assertTrue(lines[10].endsWith("step 199"), lines[10]);
    assertTrue(!log.contains("\r"), "no carriage returns in a log");
  }

  @Test
  void onATerminalRedrawsInPlaceAndEndsTheLine() {
    String out = run(true, false, 4);
    assertEquals(4, out.chars().filter(c -> c == '\r').count(), out);
    assertTrue(out.endsWith("100% |" + "=".repeat(30) + "| step 3" + System.lineSeparator()), out);
  }

  @Test
  void disabledPrintsNothing() {
    assertEquals("", run(false, true, 50));
  }
}
