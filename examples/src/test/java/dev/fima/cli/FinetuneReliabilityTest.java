package dev.fima.cli;

import static dev.fima.cli.TinyRuns.steps;
import static dev.fima.cli.TinyRuns.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.config.Configs;
import dev.fima.djl.train.CheckpointManifest;
import dev.fima.djl.train.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning through the real command line: SIGTERM stops it at a step boundary with a checkpoint,
 * and resuming gives the steps of an uninterrupted run with the same seed; its report records the
 * seed, the versions and the configuration.
 */
class FinetuneReliabilityTest {

  @TempDir Path dir;

  @Test
  void sigtermCheckpointsAndResumingRepeatsTheUninterruptedSteps() throws Exception {
    Path data = TinyRuns.generate(dir.resolve("videos"));
    Path run = dir.resolve("interrupted");
    Path logs = dir.resolve("logs");
    Process child =
        TinyRuns.terminateAfterSteps(TinyRuns.finetuneArgs(data, run, 50), run, 2, logs);
    String err = TinyRuns.text(logs.resolve("stderr.txt"));
    assertEquals(143, child.exitValue(), err);
    assertTrue(err.contains("Continue with: fima finetune --resume " + run), err);
    Path checkpoint = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 5).latest().get();
    assertTrue(CheckpointManifest.check(checkpoint, true).isEmpty(), "the checkpoint is intact");
    long stopped = CheckpointStore.sequence(checkpoint);
    assertTrue(stopped >= 2, "stopped at step " + stopped);
    // Epochs numbered from 1, as the bar shows them; a stop at an epoch's last batch waits for
    // the epoch's end (3 steps each).
    String where =
        stopped % 3 == 0
            ? "after epoch " + stopped / 3 + " of 50"
            : "in epoch " + (stopped / 3 + 1) + " of 50 after batch " + stopped % 3 + " of 3";
    assertTrue(
        err.contains("fima: fine-tuning stopped on request after step " + stopped + " (" + where),
        err);
    assertTrue(
        Files.isRegularFile(run.resolve(dev.fima.eval.finetune.FineTuneJob.PLOT_FILE)),
        "the plot is written before exit");

    // The uninterrupted reference covers the stop and two more epochs (3 steps per epoch).
    int epochs = (int) (stopped / 3) + 2;
    Path reference = dir.resolve("reference");
    assertEquals(
        0, FimaCli.execute(TinyRuns.finetuneArgs(data, reference, epochs).toArray(String[]::new)));
    List<String> resume = new ArrayList<>(TinyRuns.finetuneArgs(data, run, epochs));
    resume.add("--resume");
    resume.add(run.toString());
    assertEquals(0, FimaCli.execute(resume.toArray(String[]::new)));

    List<Map<String, Object>> full = steps(reference);
    List<Map<String, Object>> pieced = steps(run);
    assertEquals(3 * epochs, full.size());
    assertEquals(full.size(), pieced.size());
    TinyRuns.assumeNoSkippedSteps(full, pieced);
    for (int i = 0; i < full.size(); i++) {
      assertEquals(value(full.get(i), "loss"), value(pieced.get(i), "loss"), 1e-5, "step " + i);
    }

    JsonNode report = Configs.json().readTree(run.resolve("finetune.json").toFile());
    String text = report.toString();
    assertTrue(text.contains("\"seed\":9"), text);
    assertTrue(text.contains("\"djl\":\"0.36.0\""), text);
    assertTrue(run.resolve("finetune-config.yaml").toFile().isFile());
  }
}
