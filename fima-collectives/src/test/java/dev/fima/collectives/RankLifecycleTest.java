package dev.fima.collectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks in JVMs of their own ({@link RankProcess}), each with its worker: however a rank ends
 * (normal exit, SIGTERM, SIGKILL), its worker ends with it, the other rank's collective fails
 * within its timeout with a message, and no process is left behind.
 */
class RankLifecycleTest {

  /** The ranks' collective timeout, far longer than a dead peer takes to notice. */
  private static final int TIMEOUT_SECONDS = 30;

  @Test
  void ranksThatExitWithoutClosingTheGroupLeaveNoWorkerBehind(@TempDir Path dir) throws Exception {
    List<Process> ranks = start(dir, 3);
    List<ProcessHandle> all = awaitJoinedAndListProcesses(ranks, dir);
    for (int r = 0; r < 2; r++) {
      assertTrue(ranks.get(r).waitFor(60, TimeUnit.SECONDS), "rank " + r + " did not finish");
      assertEquals(0, ranks.get(r).exitValue(), Files.readString(dir.resolve(r + ".err")));
      String out = Files.readString(dir.resolve(r + ".out"));
      assertEquals(3, out.split("mean \\[1\\.5]", -1).length - 1, out);
    }
    Ranks.assertAllEnd(all);
  }

  @Test
  void sigkillOfARankFailsTheOtherWithinItsTimeoutAndLeavesNoProcess(@TempDir Path dir)
      throws Exception {
    List<Process> ranks = start(dir, 0);
    List<ProcessHandle> all = awaitJoinedAndListProcesses(ranks, dir);
    ranks.get(1).destroyForcibly();
    assertSurvivorFails(ranks.get(0), dir.resolve("0.err"));
    Ranks.assertAllEnd(all);
  }

  @Test
  void sigtermOfARankEndsItsWorkerAndFailsTheOther(@TempDir Path dir) throws Exception {
    List<Process> ranks = start(dir, 0);
    List<ProcessHandle> all = awaitJoinedAndListProcesses(ranks, dir);
    ranks.get(0).destroy();
    assertTrue(ranks.get(0).waitFor(30, TimeUnit.SECONDS), "rank 0 ignored SIGTERM");
    assertEquals(143, ranks.get(0).exitValue());
    assertSurvivorFails(ranks.get(1), dir.resolve("1.err"));
    Ranks.assertAllEnd(all);
  }

  private static void assertSurvivorFails(Process survivor, Path err) throws Exception {
    int rank = err.getFileName().toString().equals("0.err") ? 0 : 1;
    long start = System.nanoTime();
    boolean ended =
        survivor.waitFor(
            TIMEOUT_SECONDS + CollectiveGroup.ANSWER_GRACE.toSeconds() + 10, TimeUnit.SECONDS);
    assertTrue(ended, "the other rank hangs");
    String message = Files.readString(err);
    assertEquals(2, survivor.exitValue(), message);
    assertTrue(
        message.contains("fima: rank " + rank + " of 2: all-reduce of 1 float")
            && message.contains("(timeout " + TIMEOUT_SECONDS + " s)"),
        message);
    assertTrue(
        (System.nanoTime() - start) / 1e9 < TIMEOUT_SECONDS,
        "a dead peer is noticed from its connection, before the timeout");
  }

  private static List<Process> start(Path dir, int rounds) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    List<Process> ranks = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx128m",
              "-cp",
              classPath,
              RankProcess.class.getName(),
              String.valueOf(r),
              dir.resolve("store").toString(),
              String.valueOf(rounds),
              String.valueOf(TIMEOUT_SECONDS));
      ranks.add(
          new ProcessBuilder(command)
              .redirectOutput(dir.resolve(r + ".out").toFile())
              .redirectError(dir.resolve(r + ".err").toFile())
              .start());
    }
    return ranks;
  }

  /** Waits until both ranks have joined and returns them and their workers. */
  private static List<ProcessHandle> awaitJoinedAndListProcesses(List<Process> ranks, Path dir)
      throws Exception {
    List<ProcessHandle> all = new ArrayList<>();
    long deadline = System.nanoTime() + Ranks.JOIN.toNanos();
    for (int r = 0; r < 2; r++) {
      Path out = dir.resolve(r + ".out");
      while (!Files.readString(out).contains("worker ")) {
        assertTrue(ranks.get(r).isAlive(), Files.readString(dir.resolve(r + ".err")));
        assertTrue(System.nanoTime() < deadline, "rank " + r + " did not join");
        Thread.sleep(50);
      }
      long worker = Long.parseLong(Files.readString(out).lines().findFirst().get().split(" ")[1]);
      all.add(ranks.get(r).toHandle());
      all.add(ProcessHandle.of(worker).orElseThrow());
    }
    List<Long> descendants = ProcessHandle.current().descendants().map(ProcessHandle::pid).toList();
    for (ProcessHandle p : all) {
      assertTrue(descendants.contains(p.pid()), p.pid() + " is not a descendant of the test");
    }
    return all;
  }
}
