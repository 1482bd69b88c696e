package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.djl.train.CheckpointStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fima launch} end to end: real ranks of the command line running {@code fima bench
 * allreduce} through their collective workers, their environment, and how the launcher's signals
 * reach them; and the rank command it builds.
 */
class LaunchCommandTest {

  @Test
  void twoRanksAllReduceAndEachKnowsItsRankAndRendezvous(@TempDir Path dir) throws IOException {
    int port = freePort();
    CliRun run = CliRun.of(launchingBench(dir, port, 1, 2));
    assertEquals(0, run.code(), run.err() + TinyRuns.text(dir.resolve("rank-1.log")));
    assertTrue(
        run.out().contains("rank 0 of 2 (local rank 0 of 2), rendezvous at 127.0.0.1:" + port),
        run.out());
    assertTrue(run.out().contains("| - | 1000 | 0.00 |"), run.out());
    String rank1 = Files.readString(dir.resolve("rank-1.log"));
    assertTrue(
        rank1.contains("rank 1 of 2 (local rank 1 of 2), rendezvous at 127.0.0.1:" + port), rank1);
    assertTrue(!rank1.contains("| - |"), "only rank 0 prints the table: " + rank1);
    assertNoDescendantRemains();
  }

  @Test
  void sigtermOfTheLauncherStopsEveryRankAndLeavesNoProcess(@TempDir Path dir) throws Exception {
    Process launcher = startLooping(dir);
    List<ProcessHandle> all = awaitRunning(launcher, dir);
    launcher.destroy();
    assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not stop");
    assertEquals(143, launcher.exitValue());
    String err = Files.readString(dir.resolve("launcher/stderr.txt"));
    assertTrue(err.contains("fima launch: stopping the ranks (SIGTERM)"), err);
    assertTrue(err.contains("fima launch: rank 1 exited with status 143 (SIGTERM)"), err);
    assertAllEnd(all);
  }

  @Test
  void launchedPretrainingTrainsOneModelAndSigtermStopsEveryRankWithOneCheckpoint(@TempDir Path dir)
      throws Exception {
    Path data = TinyRuns.generate(dir.resolve("data"));
    Path run = dir.resolve("run");
    List<String> args =
        new ArrayList<>(
            List.of(
                "launch",
                "--nproc-per-node",
                "2",
                "--master-port",
                String.valueOf(freePort()),
                "--log-dir",
                dir.resolve("logs").toString(),
                "--"));
    // A global batch of 4, 2 samples per rank, 3 steps per epoch; no checkpoint is due.
    args.addAll(
        TinyRuns.pretrainArgs(
            data,
            run,
            100,
            "batchSize=4",
            "optim.referenceBatch=4",
            "checkpoint.everyEpochs=1000"));
    Process launcher = TinyRuns.start(args, dir.resolve("launcher"));
    TinyRuns.awaitSteps(launcher, run, 2, dir.resolve("launcher"));
    List<ProcessHandle> all = new ArrayList<>();
    all.add(launcher.toHandle());
    launcher.toHandle().descendants().forEach(all::add);
    launcher.destroy();
    assertTrue(launcher.waitFor(120, TimeUnit.SECONDS), "the launcher did not stop");
    assertEquals(143, launcher.exitValue());
    assertAllEnd(all);
    List<Map<String, Object>> steps = TinyRuns.steps(run);
    long last = ((Number) steps.get(steps.size() - 1).get("step")).longValue();
    // Rank 0 alone writes the metrics: one line per step.
    for (int i = 0; i < steps.size(); i++) {
      assertEquals(i + 1L, ((Number) steps.get(i).get("step")).longValue());
    }
    assertEquals(
        List.of(last),
        new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 5)
            .list().stream().map(CheckpointStore::sequence).toList());
    String stopped = "training stopped on request after step " + last + " ";
    String rank0 = Files.readString(dir.resolve("launcher/stderr.txt"));
    assertTrue(rank0.contains(stopped), rank0);
    String rank1 = Files.readString(dir.resolve("logs/rank-1.log"));
    assertTrue(rank1.contains(stopped), rank1);
  }

  @Test
  void aRankWhoseLauncherIsKilledStopsToo(@TempDir Path dir) throws Exception {
    Process launcher = startLooping(dir);
    List<ProcessHandle> all = awaitRunning(launcher, dir);
    launcher.destroyForcibly();
    assertAllEnd(all);
    String rank1 = Files.readString(dir.resolve("rank-1.log"));
    assertTrue(
        rank1.contains("fima: the launcher (pid " + launcher.pid() + ") has ended; stopping this"),
        rank1);
  }

  @Test
  void aJobRankGetsItsShareOfTheThreadsUnlessItSetsThem() {
    LaunchPlan plan = new LaunchPlan(1, 0, 2, "127.0.0.1", 29500, List.of(), 3);
    assertEquals(
        List.of("pretrain", "--set", "run.threads=3", "--data", "d"),
        rankArguments(plan, "pretrain", "--data", "d"));
    assertEquals(
        List.of("pretrain", "--set", "run.threads=1"),
        rankArguments(plan, "pretrain", "--set", "run.threads=1"));
    assertEquals(
        List.of("bench", "allreduce", "--floats", "4"),
        rankArguments(plan, "bench", "allreduce", "--floats", "4"));
  }

  @Test
  void aGpuRankIsGivenOneGpuAndOnlyTheLauncherMayNameThem() {
    LaunchPlan plan = new LaunchPlan(1, 0, 2, "127.0.0.1", 29500, List.of(0, 1), 3);
    assertEquals(
        List.of("pretrain", "--gpus", "1", "--set", "run.threads=3"),
        rankArguments(plan, "pretrain"));
    CliRun refused =
        CliRun.of(
            "launch", "--nproc-per-node", "2", "--gpus", "2", "--", "pretrain", "--gpus", "2");
    assertEquals(2, refused.code());
    assertTrue(
        refused.err().startsWith("fima: --gpus: give --gpus to fima launch, which gives each rank"),
        refused.err());
  }

  @Test
  void aBadRankCommandIsOneErrorBeforeAnyRankStarts() {
    CliRun unknown = CliRun.of("launch", "--nproc-per-node", "2", "--", "pretrain", "--nope");
    assertEquals(2, unknown.code());
    assertEquals("fima: pretrain: Unknown option: '--nope'\n", unknown.err());
    CliRun badField =
        CliRun.of("launch", "--nproc-per-node", "2", "--", "pretrain", "--set", "optim.momentum=2");
    assertEquals(2, badField.code());
    assertTrue(badField.err().startsWith("fima: optim.momentum: "), badField.err());
    CliRun nested =
        CliRun.of("launch", "--nproc-per-node", "2", "--", "launch", "--nproc-per-node", "2");
    assertEquals("fima: COMMAND: a rank cannot launch ranks itself\n", nested.err());
    CliRun timeout =
        CliRun.of("launch", "--nproc-per-node", "2", "--collective-timeout", "0", "--", "pretrain");
    assertEquals(
        "fima: --collective-timeout: must be a number of seconds in (0, 604800], got '0'\n",
        timeout.err());
    CliRun finetune = CliRun.of("launch", "--nproc-per-node", "2", "--", "finetune", "--data", "d");
    assertEquals(2, finetune.code());
    assertTrue(
        finetune.err().startsWith("fima: COMMAND: finetune has no data-parallel path: "),
        finetune.err());
    CliRun example =
        CliRun.of(
            "launch", "--nproc-per-node", "2", "--", "example", "ucf101-pretrain", "--data", "d");
    assertTrue(
        example
            .err()
            .startsWith("fima: COMMAND: example ucf101-pretrain has no data-parallel path: "),
        example.err());
    CliRun step = CliRun.of("launch", "--nproc-per-node", "2", "--", "bench", "step");
    assertTrue(
        step.err().startsWith("fima: COMMAND: bench step has no data-parallel path: "), step.err());
  }

  private static List<String> rankArguments(LaunchPlan plan, String... command) {
    List<String> args = new ArrayList<>(List.of("launch", "--nproc-per-node", "2", "--"));
    args.addAll(List.of(command));
    CommandLine cli = FimaCli.newCommandLine();
    CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
    LaunchCommand launch = (LaunchCommand) parsed.subcommand().commandSpec().userObject();
    return launch.rankArguments(plan);
  }

  /** Returns the arguments of a launch of two ranks that all-reduce 1000 floats. */
  private static List<String> launchingBench(Path dir, int port, int warmup, int iterations) {
    return List.of(
        "launch",
        "--nproc-per-node",
        "2",
        "--master-port",
        String.valueOf(port),
        "--log-dir",
        dir.toString(),
        "--",
        "bench",
        "allreduce",
        "--floats",
        "1000",
        "--warmup",
        String.valueOf(warmup),
        "--iterations",
        String.valueOf(iterations));
  }

  /** Starts the launcher in a JVM of its own, its two ranks all-reducing until they are stopped. */
  private static Process startLooping(Path dir) throws IOException {
    return TinyRuns.start(launchingBench(dir, freePort(), 0, 100_000_000), dir.resolve("launcher"));
  }

  /**
   * Waits until both ranks all-reduce (rank 1 has joined and rank 0 printed the table's header) and
   * returns the launcher, its ranks and their workers.
   */
  private static List<ProcessHandle> awaitRunning(Process launcher, Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    Path out = dir.resolve("launcher/stdout.txt");
    while (!TinyRuns.text(out).contains("| gradients of |")) {
      assertTrue(launcher.isAlive(), TinyRuns.text(dir.resolve("launcher/stderr.txt")));
      assertTrue(System.nanoTime() < deadline, "the ranks did not start all-reducing");
      Thread.sleep(50);
    }
    List<ProcessHandle> all = new ArrayList<>();
    all.add(launcher.toHandle());
    launcher.toHandle().descendants().forEach(all::add);
    assertEquals(5, all.size(), "the launcher, two ranks and their workers: " + all);
    return all;
  }

  private static void assertAllEnd(List<ProcessHandle> processes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ProcessHandle p : processes) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(!p.isAlive(), "process " + p.pid() + " " + p.info().commandLine() + " outlived");
    }
  }

  private static void assertNoDescendantRemains() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive)
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(
        List.of(),
        ProcessHandle.current()
            .descendants()
            .filter(ProcessHandle::isAlive)
            .map(ProcessHandle::pid)
            .toList());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
