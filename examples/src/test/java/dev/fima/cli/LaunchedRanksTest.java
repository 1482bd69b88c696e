package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervision of {@code fima launch} with shell scripts as ranks, which show what they received
 * (their environment, the signal that stopped them) without a JVM each.
 */
class LaunchedRanksTest {

  /** A rank that says which signal stopped it. */
  private static final String WAITS_FOR_SIGTERM =
      "trap 'echo rank $RANK got SIGTERM; exit 143' TERM; echo started; while :; do sleep 0.05; done";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void eachRankGetsItsVariablesAndAllSucceedingIsZero(@TempDir Path dir) throws Exception {
    String script = "echo rank $RANK of $WORLD_SIZE local $LOCAL_RANK at $MASTER_ADDR:$MASTER_PORT";
    LaunchPlan plan = new LaunchPlan(1, 0, 2, "127.0.0.1", 29511, List.of(), 1);
    LaunchedRanks ranks =
        supervise(
            Duration.ofSeconds(5),
            rank(0, script, plan.environment(0, 1), null),
            rank(1, script, plan.environment(1, 1), dir.resolve("rank-1.log")));
    assertEquals(0, ranks.run());
    assertEquals("rank 0 of 2 local 0 at 127.0.0.1:29511\n", out.toString());
    assertEquals(
        "rank 1 of 2 local 1 at 127.0.0.1:29511\n", Files.readString(dir.resolve("rank-1.log")));
  }

  @Test
  void theFirstRankToFailStopsTheOthersAndGivesItsStatusAndLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("rank-1.log");
    LaunchedRanks ranks =
        supervise(
            Duration.ofSeconds(30),
            rank(0, WAITS_FOR_SIGTERM, Map.of("RANK", "0"), null),
            rank(1, "sleep 0.5; echo the data is missing; exit 3", Map.of(), log));
    assertEquals(3, ranks.run());
    assertTrue(out.toString().contains("rank 0 got SIGTERM"), out.toString());
    String messages = err.toString();
    assertTrue(
        messages.contains("fima launch: rank 1 exited with status 3; stopping the other ranks")
            && messages.contains("fima launch: rank 0 exited with status 143 (SIGTERM)"),
        messages);
    assertTrue(
        messages.contains(
            "fima: rank 1 of 2 exited with status 3; the other ranks were stopped. Its log, "
                + log
                + ", ends:"
                + System.lineSeparator()
                + "  the data is missing"),
        messages);
  }

  @Test
  void aStopReachesEveryRankAndOneThatIgnoresItIsKilledAfterTheTimeout(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("rank-1.log");
    LaunchedRanks ranks =
        supervise(
            Duration.ofSeconds(1),
            rank(0, WAITS_FOR_SIGTERM, Map.of("RANK", "0"), null),
            rank(1, "trap '' TERM; echo started; while :; do sleep 0.05; done", Map.of(), log));
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ranks.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(out.toString().contains("started")
        && Files.isRegularFile(log)
        && Files.readString(log).contains("started"))) {
      assertTrue(System.nanoTime() < deadline, "the ranks did not start");
      Thread.sleep(20);
    }
    ranks.requestStop();
    assertEquals(143, status.get(30, TimeUnit.SECONDS));
    assertTrue(out.toString().contains("rank 0 got SIGTERM"), out.toString());
    String messages = err.toString();
    assertTrue(
        messages.contains("fima launch: stopping the ranks (SIGTERM)")
            && messages.contains(
                "fima launch: rank 1 did not stop within 1 s; killing it (SIGKILL)")
            && messages.contains("fima launch: rank 1 exited with status 137 (SIGKILL)"),
        messages);
    for (long pid : ranks.pids()) {
      assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "rank " + pid);
    }
  }

  private LaunchedRanks supervise(Duration stopTimeout, LaunchedRanks.Rank... ranks) {
    return new LaunchedRanks(
        List.of(ranks),
        ranks.length,
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        stopTimeout);
  }

  private static LaunchedRanks.Rank rank(
      int rank, String script, Map<String, String> env, Path log) {
    return new LaunchedRanks.Rank(rank, List.of("/bin/sh", "-c", script), env, log);
  }
}
