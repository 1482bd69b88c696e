package dev.fima.djl.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.MetricsLog;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel pretraining with real ranks: two JVMs ({@link PretrainRank}) that join through a
 * file store on this machine, each with one libtorch thread and its collective worker, on the fake
 * data's 16 videos, a global batch of 8 (4 per rank), 2 steps per epoch.
 */
class DataParallelPretrainTest {

  /** Every collective's timeout in these runs. */
  private static final int TIMEOUT_SECONDS = 20;

  /** How long a two-rank run of a few steps may take on a busy 2-core machine. */
  private static final long RUN_SECONDS = 300;

  @TempDir Path dir;

  /** The settings every run here shares: 16 videos, a global batch of 8, one thread. */
  private static List<String> common(Path output, int epochs) {
    return List.of(
        "epochs=" + epochs,
        "batchSize=8",
        "optim.referenceBatch=8",
        "run.threads=1",
        "checkpoint.everyEpochs=1",
        "run.output=" + output);
  }

  @Test
  void twoRanksOfFimaWithBatchNormEndBitIdenticalAndOnlyRankZeroWrites() throws Exception {
    Path run = dir.resolve("run");
    // Rank 1's first sample of step 2 is NaN: both ranks must skip that step alike.
    List<Path> dumps =
        runRanks(2, "a", join(common(run, 2), List.of("model=fima", "poison=1/0/1")));
    assertArrayEquals(Files.readAllBytes(dumps.get(0)), Files.readAllBytes(dumps.get(1)));
    List<Map<String, Object>> steps = steps(run);
    // Rank 0 alone writes: one line per step, not one per rank.
    assertEquals(4, steps.size());
    assertEquals(
        List.of(false, true, false, false), steps.stream().map(s -> s.get("skipped")).toList());
    for (Map<String, Object> s : steps) {
      assertTrue(((Number) s.get("allreduce_seconds")).doubleValue() >= 0, s.toString());
      assertTrue(s.containsKey("gather_seconds"), s.toString());
    }
    List<Path> checkpoints = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 5).list();
    assertEquals(List.of(2L, 4L), checkpoints.stream().map(CheckpointStore::sequence).toList());
  }

  @Test
  void aResumedTwoRankRunRepeatsTheUninterruptedSteps() throws Exception {
    Path whole = dir.resolve("whole");
    List<Path> uninterrupted = runRanks(2, "whole", join(common(whole, 2), List.of("model=fima")));
    Path firstEpoch = new CheckpointStore(whole.resolve(CheckpointStore.FOLDER), 5).list().get(0);
    Path resumed = dir.resolve("resumed");
    List<Path> again =
        runRanks(
            2, "resumed", join(common(resumed, 2), List.of("model=fima", "resume=" + firstEpoch)));
    assertArrayEquals(Files.readAllBytes(again.get(0)), Files.readAllBytes(again.get(1)));
    List<Map<String, Object>> before = steps(whole).subList(2, 4);
    List<Map<String, Object>> after = steps(resumed);
    assertEquals(2, after.size());
    // As a resumed run of one process (FimaPretrainerTest): the same steps, up to the rounding of
    // kernels that a fresh process may pick differently.
    for (int i = 0; i < 2; i++) {
      for (String term : List.of("loss", "instance", "local", "dense", "grad_norm")) {
        assertEquals(value(before.get(i), term), value(after.get(i), term), 1e-6, term + " " + i);
      }
    }
    assertClose(read(uninterrupted.get(0)), read(again.get(0)), 1e-5);
  }

  /**
   * MoCo (the instance term alone) on a backbone without batch norm: each rank's loss is the mean
   * over its samples of a per-sample term whose negatives are the queue, identical on every rank,
   * so the mean over 2 ranks of their gradients is the gradient of the mean over the global batch,
   * and the keys gathered in rank order are the keys one process enqueues. The two runs can differ
   * only by the rounding of sums taken in another order.
   */
  @Test
  void mocoWithoutBatchNormOnTwoRanksEqualsOneProcessOfTheGlobalBatch() throws Exception {
    List<String> moco = List.of("model=tiny", "noise=false", "model.method=moco");
    Path alone = runRanks(1, "alone", join(common(dir.resolve("alone"), 2), moco)).get(0);
    List<Path> two = runRanks(2, "two", join(common(dir.resolve("two"), 2), moco));
    assertArrayEquals(Files.readAllBytes(two.get(0)), Files.readAllBytes(two.get(1)));
    int compared = assertClose(read(alone), read(two.get(0)), 1e-5);
    assertTrue(compared > 500, "compared " + compared + " values");
    // The 4 steps moved the weights: the comparison is not of two initial states.
    assertFalse(
        steps(dir.resolve("alone")).stream().anyMatch(s -> Boolean.TRUE.equals(s.get("skipped"))));
  }

  @Test
  void killingOneRankStopsTheOtherWithinTheTimeoutWithAMessageAndLeavesNoProcess()
      throws Exception {
    Path run = dir.resolve("killed");
    List<Process> ranks = startRanks(2, "killed", join(common(run, 1000), List.of("model=tiny")));
    try {
      awaitSteps(run, 2, ranks);
      List<ProcessHandle> everyProcess = new ArrayList<>();
      for (Process p : ranks) {
        everyProcess.add(p.toHandle());
        p.toHandle().descendants().forEach(everyProcess::add);
      }
      assertTrue(everyProcess.size() >= 4, "ranks and their workers: " + everyProcess);
      long killed = System.nanoTime();
      ranks.get(1).destroyForcibly(); // SIGKILL
      assertTrue(
          ranks.get(0).waitFor(TIMEOUT_SECONDS + 15, TimeUnit.SECONDS),
          "rank 0 still runs " + (TIMEOUT_SECONDS + 15) + " s after rank 1 was killed");
      double seconds = (System.nanoTime() - killed) / 1e9;
      assertTrue(seconds < TIMEOUT_SECONDS + 15, "took " + seconds + " s");
      assertEquals(2, ranks.get(0).exitValue(), log("killed", 0));
      String message = log("killed", 0);
      assertTrue(message.contains("fima: rank 0 of 2: "), message);
      assertTrue(
          message.contains("cannot be used any more") || message.contains("failed"), message);
      awaitEnd(everyProcess);
    } finally {
      ranks.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void sigtermToOneRankStopsBothAfterTheSameStepWithOneCheckpoint() throws Exception {
    Path run = dir.resolve("stopped");
    List<Process> ranks =
        startRanks(
            2,
            "stopped",
            join(common(run, 1000), List.of("model=tiny", "checkpoint.everyEpochs=1000")));
    try {
      awaitSteps(run, 2, ranks);
      ranks.get(1).destroy(); // SIGTERM, to rank 1 alone
      for (int r = 0; r < 2; r++) {
        assertTrue(ranks.get(r).waitFor(RUN_SECONDS, TimeUnit.SECONDS), "rank " + r);
        assertEquals(143, ranks.get(r).exitValue(), log("stopped", r));
      }
    } finally {
      ranks.forEach(Process::destroyForcibly);
    }
    List<Map<String, Object>> steps = steps(run);
    long last = ((Number) steps.get(steps.size() - 1).get("step")).longValue();
    List<Path> checkpoints = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 5).list();
    assertEquals(List.of(last), checkpoints.stream().map(CheckpointStore::sequence).toList());
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("stopped-0.dump")),
        Files.readAllBytes(dir.resolve("stopped-1.dump")));
    assertTrue(
        log("stopped", 0).contains("stopped on request after step " + last), log("stopped", 0));
  }

  @Test
  void ranksThatSeeDifferentDataFailTogetherSayingSo() throws Exception {
    Path run = dir.resolve("differ");
    List<String> args = join(common(run, 1), List.of("model=tiny"));
    List<Process> ranks = startRanks(2, "differ", args, r -> r == 0 ? "videos=16" : "videos=24");
    for (int r = 0; r < 2; r++) {
      assertTrue(ranks.get(r).waitFor(RUN_SECONDS, TimeUnit.SECONDS), "rank " + r);
      assertEquals(2, ranks.get(r).exitValue(), log("differ", r));
    }
    // 16 and 24 videos in batches of 8: 2 and 3 batches per epoch.
    assertTrue(
        log("differ", 1)
            .contains(
                "fima: rank 1 of 2: the ranks disagree on the batches per epoch (the dataset"
                    + " differs): [2, 3] in rank order"),
        log("differ", 1));
    assertFalse(Files.exists(run.resolve(MetricsLog.FILE)), "nothing is written");
  }

  /** Waits until rank 0's metrics log holds some steps. */
  private void awaitSteps(Path run, int count, List<Process> ranks) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
    while (!Files.exists(run.resolve(MetricsLog.FILE)) || steps(run).size() < count) {
      for (int r = 0; r < ranks.size(); r++) {
        if (!ranks.get(r).isAlive()) {
          throw new AssertionError(
              "rank " + r + " ended early: " + log(run.getFileName().toString(), r));
        }
      }
      assertTrue(System.nanoTime() < deadline, "no " + count + " steps in " + RUN_SECONDS + " s");
      Thread.sleep(200);
    }
  }

  /** Asserts that every process ends within a few seconds. */
  private static void awaitEnd(List<ProcessHandle> processes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (ProcessHandle p : processes) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(p.isAlive(), "process " + p.pid() + " " + p.info().command() + " outlived");
    }
  }

  /** Starts the ranks of a run, waits for them all, and returns their dumps. */
  private List<Path> runRanks(int world, String name, List<String> args) throws Exception {
    List<Process> ranks = startRanks(world, name, args);
    for (int r = 0; r < world; r++) {
      Process p = ranks.get(r);
      if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
        ranks.forEach(Process::destroyForcibly);
        throw new AssertionError("rank " + r + " of " + name + " did not end: " + log(name, r));
      }
      assertEquals(0, p.exitValue(), "rank " + r + " of " + name + ": " + log(name, r));
    }
    List<Path> dumps = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      dumps.add(dir.resolve(name + "-" + r + ".dump"));
    }
    return dumps;
  }

  private List<Process> startRanks(int world, String name, List<String> args) throws IOException {
    return startRanks(world, name, args, r -> null);
  }

  /** Starts the ranks of a run, each with the arguments all share and one of its own (or none). */
  private List<Process> startRanks(
      int world, String name, List<String> args, java.util.function.IntFunction<String> own)
      throws IOException {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    List<Process> ranks = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of(
              "-Xmx1g",
              "-Dai.djl.offline=true",
              "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
              "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
              "-cp",
              classPath,
              PretrainRank.class.getName(),
              "rank=" + r,
              "world=" + world,
              "store=" + dir.resolve(name + ".store"),
              "timeout=" + TIMEOUT_SECONDS,
              "dump=" + dir.resolve(name + "-" + r + ".dump")));
      command.addAll(args);
      if (own.apply(r) != null) {
        command.add(own.apply(r));
      }
      ranks.add(
          new ProcessBuilder(command)
              .redirectOutput(dir.resolve(name + "-" + r + ".out").toFile())
              .redirectError(dir.resolve(name + "-" + r + ".err").toFile())
              .start());
    }
    return ranks;
  }

  private String log(String name, int rank) throws IOException {
    Path err = dir.resolve(name + "-" + rank + ".err");
    Path out = dir.resolve(name + "-" + rank + ".out");
    return (Files.exists(out) ? Files.readString(out) : "")
        + (Files.exists(err) ? Files.readString(err) : "");
  }

  private static List<Map<String, Object>> steps(Path run) {
    return new MetricsLog(run.resolve(MetricsLog.FILE))
        .read().stream().filter(r -> "step".equals(r.get("type"))).toList();
  }

  private static Map<String, float[]> read(Path dump) throws IOException {
    Map<String, float[]> values = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(dump))) {
      while (in.available() > 0) {
        String name = in.readUTF();
        float[] v = new float[in.readInt()];
        for (int i = 0; i < v.length; i++) {
          v[i] = in.readFloat();
        }
        values.put(name, v);
      }
    }
    return values;
  }

  /** Asserts two dumps hold the same names and values within a tolerance; returns the count. */
  private static int assertClose(
      Map<String, float[]> expected, Map<String, float[]> actual, double tolerance) {
    assertEquals(expected.keySet(), actual.keySet());
    int compared = 0;
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      float[] a = e.getValue();
      float[] b = actual.get(e.getKey());
      assertEquals(a.length, b.length, e.getKey());
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], tolerance, e.getKey() + "[" + i + "]");
        compared++;
      }
    }
    return compared;
  }

  private static double value(Map<String, Object> record, String name) {
    return ((Number) record.get(name)).doubleValue();
  }

  private static List<String> join(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
