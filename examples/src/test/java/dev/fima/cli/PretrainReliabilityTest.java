package dev.fima.cli;

import static dev.fima.cli.TinyRuns.TERMS;
import static dev.fima.cli.TinyRuns.epochs;
import static dev.fima.cli.TinyRuns.steps;
import static dev.fima.cli.TinyRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.config.PretrainConfig;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.pretrain.PretrainCheckpoint;
import dev.fima.djl.train.CheckpointManifest;
import dev.fima.djl.train.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretraining through the real command line on generated videos with a scaled-down backbone: it
 * learns, a fixed seed repeats it, SIGTERM stops it with a checkpoint, and resuming (after a signal
 * or after an epoch) repeats the uninterrupted run's steps. One uninterrupted two-epoch run is the
 * reference of every comparison.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PretrainReliabilityTest {

  @TempDir static Path dir;

  private static Path data;
  private static Path reference;

  @BeforeAll
  static void referenceRun() throws java.io.IOException {
    data = TinyRuns.generate(dir.resolve("videos"));
    // libtorch's transient NaN gradients (BENCHMARKS.md) would make every comparison with this
    // run skip itself; a fresh run of the same seed is the same run without the engine's fault.
    for (int attempt = 1; attempt <= 3; attempt++) {
      reference = dir.resolve("reference-" + attempt);
      int code = FimaCli.execute(TinyRuns.pretrainArgs(data, reference, 2).toArray(String[]::new));
      assertEquals(0, code, TinyRuns.text(reference.resolve("config.yaml")));
      if (steps(reference).stream().noneMatch(s -> Boolean.TRUE.equals(s.get("skipped")))) {
        return;
      }
    }
  }

  @Test
  @Order(1)
  void twoEpochsOnGeneratedVideosLowerEveryLossTerm() {
    List<Map<String, Object>> steps = steps(reference);
    assertEquals(12, steps.size(), "12 training videos / batch 2 = 6 steps per epoch");
    TinyRuns.assumeNoSkippedSteps(steps);
    List<Map<String, Object>> epochs = epochs(reference);
    assertEquals(2, epochs.size());
    // The 8-entry queues hold only real keys from step 4 on, so both epoch means are comparable
    // for the local and dense terms; the instance term is compared on its last four steps, after
    // the queue's random entries are gone.
    for (String term : List.of(FimaLoss.TOTAL, FimaLoss.LOCAL, FimaLoss.DENSE)) {
      double first = value(epochs.get(0), term);
      double second = value(epochs.get(1), term);
      assertTrue(second < first, term + " did not decrease: " + first + " -> " + second);
    }
    double early = 0;
    double late = 0;
    for (int i = 4; i < 8; i++) {
      early += value(steps.get(i), FimaLoss.INSTANCE);
      late += value(steps.get(i + 4), FimaLoss.INSTANCE);
    }
    assertTrue(late < early, "instance did not decrease: " + early / 4 + " -> " + late / 4);
  }

  @Test
  @Order(2)
  void sigtermWritesACheckpointAndResumingRepeatsTheUninterruptedSteps() throws Exception {
    Path run = dir.resolve("interrupted");
    Path logs = dir.resolve("interrupted-logs");
    // Many epochs, so that the signal surely comes first; the constant rate makes every step the
    // same as the reference's whatever the number of epochs. The signal comes in the second epoch
    // (6 steps each), where the epoch numbering of the message and the bar can disagree.
    Process child =
        TinyRuns.terminateAfterSteps(TinyRuns.pretrainArgs(data, run, 50), run, 7, logs);
    String out = TinyRuns.text(logs.resolve("stdout.txt"));
    String err = TinyRuns.text(logs.resolve("stderr.txt"));
    assertEquals(143, child.exitValue(), "exit status of SIGTERM\n" + out + err);

    Path checkpoint = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 5).latest().get();
    long stopped = CheckpointStore.sequence(checkpoint);
    assertTrue(stopped >= 7 && stopped < 12, "stopped at step " + stopped);
    assertTrue(out.contains("epoch 2/50 "), "the bar was in epoch 2:\n" + out);
    String where =
        stopped == 6 ? "after epoch 1 of 50" : "in epoch 2 of 50 after batch " + (stopped - 6);
    // Reported as fine-tuning reports it: one line on the error stream.
    assertTrue(
        err.contains("fima: training stopped on request after step " + stopped + " (" + where),
        err);
    assertTrue(err.contains("Continue with: fima pretrain --resume " + run), err);
    assertTrue(err.contains("fima: stopping at the next step boundary"), err);
    // The loss plot is drawn while the JVM shuts down, and still written.
    assertFalse(err.contains("could not write the loss plot"), err);
    byte[] png = Files.readAllBytes(run.resolve("loss.png"));
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(CheckpointManifest.check(checkpoint, true).isEmpty(), "the checkpoint is intact");
    assertEquals(stopped, PretrainCheckpoint.readState(checkpoint).position().step());

    // Determinism: the child's steps, a fresh run in another process, equal the reference's.
    List<Map<String, Object>> full = steps(reference);
    List<Map<String, Object>> before = steps(run);
    assertEquals(stopped, before.size(), "the log ends at the checkpoint");
    TinyRuns.assumeNoSkippedSteps(full, before);
    for (int i = 0; i < stopped; i++) {
      for (String term : TERMS) {
        assertEquals(
            value(full.get(i), term),
            value(before.get(i), term),
            1e-6,
            term + " " + i + "\n" + full + "\n" + before);
      }
    }

    // Resume to the reference's two epochs.
    int code =
        FimaCli.execute(concat(TinyRuns.pretrainArgs(data, run, 2), "--resume", run.toString()));
    assertEquals(0, code);
    List<Map<String, Object>> pieced = steps(run);
    assertEquals(12, pieced.size());
    TinyRuns.assumeNoSkippedSteps(pieced);
    for (int i = (int) stopped; i < 12; i++) {
      for (String term : TERMS) {
        assertEquals(value(full.get(i), term), value(pieced.get(i), term), 1e-6, term + " " + i);
      }
    }
  }

  @Test
  @Order(3)
  void resumingAfterEpochOneRepeatsEpochTwo() {
    Path afterEpochOne =
        reference.resolve(CheckpointStore.FOLDER).resolve("checkpoint-000000000006");
    assertTrue(Files.isDirectory(afterEpochOne));
    Path run = dir.resolve("resumed");
    int code =
        FimaCli.execute(
            concat(TinyRuns.pretrainArgs(data, run, 2), "--resume", afterEpochOne.toString()));
    assertEquals(0, code);
    List<Map<String, Object>> full = steps(reference);
    List<Map<String, Object>> second = steps(run);
    assertEquals(6, second.size());
    TinyRuns.assumeNoSkippedSteps(full, second);
    for (int i = 0; i < 6; i++) {
      for (String term : TERMS) {
        assertEquals(value(full.get(6 + i), term), value(second.get(i), term), 1e-6, term);
      }
    }
    assertEquals(
        value(epochs(reference).get(1), FimaLoss.TOTAL),
        value(epochs(run).get(0), FimaLoss.TOTAL),
        1e-6);
  }

  @Test
  @Order(4)
  void theRunFolderRecordsSeedVersionsAndConfiguration() throws Exception {
    JsonNode info =
        dev.fima.api.config.Configs.json()
            .readTree(reference.resolve(dev.fima.djl.train.RunInfo.FILE).toFile());
    assertEquals(5, info.path("seed").asLong());
    assertEquals("0.36.0", info.path("versions").path("djl").asText());
    assertEquals("PyTorch 2.7.1", info.path("versions").path("engine").asText());
    assertEquals(Runtime.version().toString(), info.path("versions").path("java").asText());
    assertTrue(info.path("versions").has("fima-j"));
    PretrainConfig saved =
        dev.fima.api.config.Configs.load(
            PretrainConfig.defaults(), reference.resolve("config.yaml"), List.of());
    assertEquals(5, saved.run().seed());
    assertEquals("r3d-tiny", saved.backbone().name());
    Path checkpoint =
        new CheckpointStore(reference.resolve(CheckpointStore.FOLDER), 5).latest().get();
    JsonNode state =
        dev.fima.api.config.Configs.json()
            .readTree(checkpoint.resolve(PretrainCheckpoint.STATE).toFile());
    assertEquals("0.36.0", state.path("versions").path("djl").asText(), state.toString());
    assertEquals(5, state.path("seed").asLong());
  }

  @Test
  @Order(5)
  void aCheckpointOfAnotherArchitectureIsRefusedNamingTheFields() {
    Path run = dir.resolve("other-architecture");
    CliRun r =
        CliRun.of(
            concat(
                TinyRuns.pretrainArgs(data, run, 2, "backbone.width=1.0"),
                "--resume",
                reference.toString()));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("backbone.width: checkpoint 0.5, this run 1.0"), r.err());
    assertTrue(r.err().contains("was written by a run with another architecture"));
    assertEquals(12, steps(reference).size(), "the reference run is untouched");
  }

  private static String[] concat(List<String> args, String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
