package dev.fima.djl.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.Method;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.TrainingStoppedException;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.model.PretrainModelFactory;
import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.MetricsLog;
import dev.fima.djl.train.Position;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.StepRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FimaPretrainerTest {

  private static final List<String> TERMS =
      List.of(FimaLoss.TOTAL, FimaLoss.INSTANCE, FimaLoss.LOCAL, FimaLoss.DENSE);

  @TempDir Path dir;

  static PretrainConfig config(Path output, int epochs, String... extra) {
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "clip.frames=4",
                "clip.stride=2",
                "clip.crop=16",
                "clip.localClips=2",
                "model.embedding=16",
                "model.queueSize=32",
                "model.denseQueueSize=64",
                "model.momentum=0.9",
                "epochs=" + epochs,
                "batchSize=4",
                "optim.lr=0.1",
                "optim.referenceBatch=4",
                "checkpoint.everyEpochs=1",
                "checkpoint.keep=5",
                "run.seed=7",
                "run.output=" + output));
    overrides.addAll(List.of(extra));
    return Configs.load(PretrainConfig.defaults(), null, overrides);
  }

  static final PretrainModelFactory MODELS =
      (config, manager, devices) ->
          new TinyPretrainModel(
              manager,
              (int) Math.round(8 * config.backbone().width()),
              config.model().momentum(),
              config.model().method() == Method.FIMA,
              config.backbone());

  static FimaPretrainer pretrainer(FakePretrainData data) {
    return new FimaPretrainer(data, MODELS).showProgress(false);
  }

  private static List<Map<String, Object>> steps(Path run) {
    return new MetricsLog(run.resolve(MetricsLog.FILE))
        .read().stream().filter(r -> "step".equals(r.get("type"))).toList();
  }

  private static List<Map<String, Object>> epochs(Path run) {
    return new MetricsLog(run.resolve(MetricsLog.FILE))
        .read().stream().filter(r -> "epoch".equals(r.get("type"))).toList();
  }

  private static double value(Map<String, Object> record, String name) {
    return ((Number) record.get(name)).doubleValue();
  }

  @Test
  void trainsEveryTermDownAndFillsTheRunFolder() throws Exception {
    Path run = dir.resolve("run");
    PretrainResult result =
        pretrainer(new FakePretrainData(16)).pretrain(config(run, 8, "checkpoint.keep=2"), null);
    assertEquals(8, result.epochs());
    assertEquals(32, result.steps()); // 16 videos / batch 4 = 4 steps per epoch
    assertTrue(Files.isRegularFile(run.resolve(FimaPretrainer.CONFIG_FILE)));
    assertTrue(Files.size(run.resolve(FimaPretrainer.PLOT_FILE)) > 1000);
    assertEquals(
        config(run, 8, "checkpoint.keep=2"),
        Configs.load(
            PretrainConfig.defaults(), run.resolve(FimaPretrainer.CONFIG_FILE), List.of()));
    List<Path> kept = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 2).list();
    assertEquals(List.of(28L, 32L), kept.stream().map(CheckpointStore::sequence).toList());
    assertEquals(kept.get(1), result.lastCheckpoint());
    for (String f :
        List.of(
            PretrainCheckpoint.STATE,
            PretrainCheckpoint.MODEL,
            PretrainCheckpoint.OPTIMIZER,
            PretrainCheckpoint.QUEUES)) {
      assertTrue(Files.isRegularFile(kept.get(1).resolve(f)), f);
    }
    PretrainCheckpoint.State state = PretrainCheckpoint.readState(kept.get(1));
    assertEquals(new Position(8, 0, 32), state.position());
    assertEquals(config(run, 8, "checkpoint.keep=2"), state.config());

    assertEquals(32, steps(run).size());
    List<Map<String, Object>> epochs = epochs(run);
    assertEquals(8, epochs.size());
    // The instance term rises while the queue's random initial entries are replaced by real keys
    // (32 entries, 8 keys per step: one epoch), so compare from the second epoch on.
    for (String term : TERMS) {
      double first = value(epochs.get(1), term);
      double last = value(epochs.get(7), term);
      assertTrue(last < first, term + " did not decrease: " + first + " -> " + last);
      assertEquals(last, result.lastEpochLosses().get(term), 1e-12);
    }
    Map<String, Object> step = steps(run).get(0);
    for (String key :
        List.of(
            "lr",
            "instance_acc",
            "local_acc",
            "dense_kept",
            "grad_norm",
            "samples_per_s",
            "data_wait")) {
      assertTrue(step.containsKey(key), key);
    }
    // Batch 4, T' = 2, motion queue 32: 1 + 3 x 4 + 32 candidates per local prediction, logged
    // beside the term at every step, with the collapse statistics.
    assertEquals(Math.log(45), value(step, FimaLoss.LOCAL_CHANCE), 1e-6);
    assertTrue(value(step, FimaLoss.DENSE_CHANCE) > 0, step.toString());
    for (String key :
        List.of(FimaLoss.PREDICTION_COSINE, FimaLoss.TARGET_COSINE, FimaLoss.FOREGROUND_SHARE)) {
      double v = value(step, key);
      assertTrue(v >= -1 && v <= 1, key + " " + v);
    }
    assertEquals(0.1, value(step, "lr"), 1e-12); // cosine at epoch 0, batch 4 / reference 4
    assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI / 8)), value(steps(run).get(4), "lr"), 1e-12);
  }

  @Test
  void resumingAfterEpochOneRepeatsEpochTwoExactly() {
    Path a = dir.resolve("a");
    pretrainer(new FakePretrainData(16)).pretrain(config(a, 2), null);
    Path afterEpochOne = new CheckpointStore(a.resolve(CheckpointStore.FOLDER), 5).list().get(0);
    assertEquals(4, CheckpointStore.sequence(afterEpochOne));

    Path b = dir.resolve("b");
    PretrainResult resumed =
        pretrainer(new FakePretrainData(16)).pretrain(config(b, 2), afterEpochOne);
    assertEquals(8, resumed.steps());
    List<Map<String, Object>> full = steps(a);
    List<Map<String, Object>> second = steps(b);
    assertEquals(4, second.size());
    for (int i = 0; i < 4; i++) {
      for (String term : TERMS) {
        assertEquals(
            value(full.get(4 + i), term), value(second.get(i), term), 1e-6, term + " step " + i);
      }
    }
    assertEquals(
        value(epochs(a).get(1), FimaLoss.TOTAL), value(epochs(b).get(0), FimaLoss.TOTAL), 1e-6);
  }

  @Test
  void stopsAtAStepBoundaryAndResumesMidEpoch() {
    Path a = dir.resolve("a");
    pretrainer(new FakePretrainData(16)).pretrain(config(a, 2), null);

    Path c = dir.resolve("c");
    FimaPretrainer stopping = pretrainer(new FakePretrainData(16));
    stopping.addListener(
        new StepListener() {
          @Override
          public void onStep(StepRecord r) {
            if (r.step() == 3) {
              stopping.requestStop();
            }
          }
        });
    TrainingStoppedException stopped =
        assertThrows(TrainingStoppedException.class, () -> stopping.pretrain(config(c, 2), null));
    assertEquals(3, CheckpointStore.sequence(stopped.checkpoint()));
    assertEquals(
        "training stopped on request after step 3 (in epoch 1 of 2 after batch 3 of 4);"
            + " checkpoint "
            + stopped.checkpoint()
            + ". Continue with: fima pretrain --resume "
            + c
            + " (and the same options)",
        stopped.getMessage());
    assertEquals(
        new Position(0, 3, 3), PretrainCheckpoint.readState(stopped.checkpoint()).position());

    // Resuming from the run folder picks its newest checkpoint and continues its metrics log.
    pretrainer(new FakePretrainData(16)).pretrain(config(c, 2), c);
    List<Map<String, Object>> full = steps(a);
    List<Map<String, Object>> pieced = steps(c);
    assertEquals(8, pieced.size());
    for (int i = 0; i < 8; i++) {
      for (String term : TERMS) {
        assertEquals(value(full.get(i), term), value(pieced.get(i), term), 1e-6, term + " " + i);
      }
    }
  }

  @Test
  void refusesACheckpointOfAnotherArchitectureNamingTheField() {
    Path a = dir.resolve("a");
    pretrainer(new FakePretrainData(8)).pretrain(config(a, 1), null);
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                pretrainer(new FakePretrainData(8))
                    .pretrain(config(dir.resolve("b"), 2, "backbone.width=2.0"), a));
    assertTrue(
        e.getMessage().contains("backbone.width: checkpoint 1.0, this run 2.0"), e.getMessage());
  }

  @Test
  void refusesToStartOverARunsCheckpoints() {
    Path a = dir.resolve("a");
    pretrainer(new FakePretrainData(8)).pretrain(config(a, 1), null);
    FakePretrainData data = new FakePretrainData(8);
    ConfigException e =
        assertThrows(ConfigException.class, () -> pretrainer(data).pretrain(config(a, 1), null));
    assertEquals("run.output", e.field());
    assertEquals(0, data.opened, "the check must come before any data is opened");
  }

  @Test
  void mocoBaselineTrainsTheInstanceTermAlone() {
    Path run = dir.resolve("moco");
    pretrainer(new FakePretrainData(8)).pretrain(config(run, 1, "model.method=moco"), null);
    Map<String, Object> step = steps(run).get(0);
    assertTrue(step.containsKey(FimaLoss.INSTANCE));
    assertFalse(step.containsKey(FimaLoss.LOCAL));
    assertFalse(step.containsKey(FimaLoss.DENSE));
    assertEquals(value(step, FimaLoss.TOTAL), value(step, FimaLoss.INSTANCE), 1e-7);
  }

  @Test
  void skipsAStepWhoseLossIsNotFinite() {
    Path run = dir.resolve("nan");
    pretrainer(new FakePretrainData(16).poison(0, 1)).pretrain(config(run, 1), null);
    List<Map<String, Object>> steps = steps(run);
    assertEquals(4, steps.size());
    assertEquals(true, steps.get(1).get("skipped"));
    for (int i : new int[] {0, 2, 3}) {
      assertEquals(false, steps.get(i).get("skipped"));
      assertTrue(Double.isFinite(value(steps.get(i), FimaLoss.TOTAL)));
    }
    Map<String, Object> epoch = epochs(run).get(0);
    assertEquals(1, ((Number) epoch.get("skipped_steps")).intValue());
    assertTrue(Double.isFinite(value(epoch, FimaLoss.TOTAL)));
  }

  @Test
  void aSkippedLastStepStillEndsTheRunWithACheckpointWhenTheModelStayedFinite() {
    // The tiny model has no batch norm, so the NaN batch leaves every parameter finite, as a
    // transient non-finite gradient does in a real backbone.
    Path run = dir.resolve("nan-last");
    pretrainer(new FakePretrainData(16).poison(0, 3)).pretrain(config(run, 1), null);
    assertEquals(true, steps(run).get(3).get("skipped"));
    Path latest =
        new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 5).latest().orElseThrow();
    assertEquals(4L, CheckpointStore.sequence(latest));
  }

  @Test
  void rejectsImpossibleCombinationsBeforeAnyWork() {
    FakePretrainData data = new FakePretrainData(8);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                pretrainer(data)
                    .pretrain(config(dir, 1, "model.method=moco", "loss.instanceWeight=0"), null));
    assertEquals("loss.instanceWeight", e.field());
    assertEquals(0, data.opened);
  }

  @Test
  void resumeAfterAKillDuringACheckpointWriteTakesThePreviousCheckpoint() throws Exception {
    Path a = dir.resolve("a");
    pretrainer(new FakePretrainData(16)).pretrain(config(a, 2), null);
    CheckpointStore store = new CheckpointStore(a.resolve(CheckpointStore.FOLDER), 5);
    Path four = store.list().get(0);
    Path eight = store.list().get(1);
    List<Map<String, Object>> full = steps(a);
    // The newest checkpoint's model file was cut short after its rename (a full disk), and a
    // kill -9 left the temporary folder of a third checkpoint.
    byte[] model = Files.readAllBytes(eight.resolve(PretrainCheckpoint.MODEL));
    Files.write(
        eight.resolve(PretrainCheckpoint.MODEL), java.util.Arrays.copyOf(model, model.length / 3));
    Path partial = store.directory().resolve(".tmp-checkpoint-000000000012123");
    Files.createDirectories(partial);
    Files.write(partial.resolve(PretrainCheckpoint.MODEL), new byte[] {1, 2, 3});

    CheckpointStore.Resolved r = CheckpointStore.resolveVerified(a);
    assertEquals(four, r.checkpoint());
    assertTrue(r.skipped().get(1).contains(PretrainCheckpoint.MODEL + " has"), r.skipped().get(1));

    PretrainResult resumed = pretrainer(new FakePretrainData(16)).pretrain(config(a, 2), a);
    assertEquals(8, resumed.steps());
    assertEquals(four, store.list().get(0), "the good checkpoint was deleted");
    List<Map<String, Object>> pieced = steps(a);
    assertEquals(8, pieced.size());
    for (int i = 4; i < 8; i++) {
      for (String term : TERMS) {
        assertEquals(value(full.get(i), term), value(pieced.get(i), term), 1e-6, term + " " + i);
      }
    }
    // Step 8 was written again, whole this time.
    assertTrue(dev.fima.djl.train.CheckpointManifest.check(eight, true).isEmpty());
  }

  @Test
  void aRunOfSkippedStepsStopsTrainingAndKeepsTheLastGoodCheckpoint() {
    Path run = dir.resolve("diverged");
    FakePretrainData data = new FakePretrainData(16).poison(1, 1).poison(1, 2).poison(1, 3);
    dev.fima.api.FimaException e =
        assertThrows(
            dev.fima.api.FimaException.class,
            () ->
                pretrainer(data)
                    .pretrain(
                        config(run, 3, "checkpoint.maxSkippedSteps=3", "checkpoint.everySteps=1"),
                        null));
    // The skipped steps changed no parameter of this batch-norm-free model, so steps 6 and 7 were
    // still checkpointed; the step that ended the run was not.
    Path good = run.resolve(CheckpointStore.FOLDER).resolve("checkpoint-000000000007");
    assertTrue(
        e.getMessage()
            .startsWith(
                "training stopped at step 8: 3 consecutive steps had a non-finite loss or"
                    + " gradient (checkpoint.maxSkippedSteps = 3). The last good checkpoint, "
                    + good
                    + ", is kept."),
        e.getMessage());
    List<Path> kept = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 5).list();
    assertEquals(
        List.of(3L, 4L, 5L, 6L, 7L), kept.stream().map(CheckpointStore::sequence).toList());
    List<Map<String, Object>> steps = steps(run);
    assertEquals(8, steps.size(), "every step up to the stop is logged");
    for (int i = 5; i < 8; i++) {
      assertEquals(true, steps.get(i).get("skipped"), "step " + (i + 1));
    }
  }

  @Test
  void aBatchOrAnOptionSeveralRanksCannotShareIsRefusedNamingTheField() {
    PretrainConfig five = config(dir.resolve("r"), 1, "batchSize=5");
    ConfigException batch =
        assertThrows(ConfigException.class, () -> PretrainValidation.checkRanks(five, 2, 1));
    assertEquals(
        "batchSize: is the batch of all 2 ranks together and must be a multiple of their number,"
            + " got 5",
        batch.getMessage());
    PretrainConfig reference = config(dir.resolve("r"), 1, "loss.referenceEnqueueOrder=true");
    ConfigException order =
        assertThrows(ConfigException.class, () -> PretrainValidation.checkRanks(reference, 2, 1));
    assertEquals("loss.referenceEnqueueOrder", order.field());
    ConfigException devices =
        assertThrows(
            ConfigException.class,
            () -> PretrainValidation.checkRanks(config(dir.resolve("r"), 1), 2, 3));
    assertTrue(devices.getMessage().startsWith("batchSize: gives each of the 2 ranks 2 samples"));
    PretrainValidation.checkRanks(five, 1, 1); // one rank: nothing to share
  }

  @Test
  void maxSkippedStepsIsValidatedNamingTheField() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> config(dir, 1, "checkpoint.maxSkippedSteps=0"));
    assertEquals("checkpoint.maxSkippedSteps", e.field());
    assertEquals(10, config(dir, 1).checkpoint().maxSkippedSteps());
  }

  @Test
  void noArrayOutlivesItsStep() {
    // Arrays alive in every manager after each step: constant once the first step has created the
    // gradients and momentum buffers. Transposes of the queues used to stay in the queues'
    // managers.
    FimaPretrainer p = pretrainer(new FakePretrainData(16));
    List<Integer> live = liveArraysAfterEachStep(p);
    p.pretrain(config(dir.resolve("leak"), 2, "checkpoint.everyEpochs=10"), null);
    assertEquals(8, live.size());
    for (int i = 2; i < 8; i++) {
      assertEquals(live.get(1), live.get(i), "arrays alive after each step: " + live);
    }
  }

  @Test
  void aDiscardedStepLeavesNoArrayBehind() {
    // A NaN batch makes the loss non-finite: the step is discarded, and nothing may stay behind.
    FimaPretrainer p = pretrainer(new FakePretrainData(16).poison(0, 2));
    List<Integer> live = liveArraysAfterEachStep(p);
    p.pretrain(config(dir.resolve("discard"), 1, "checkpoint.everyEpochs=10"), null);
    assertEquals(List.of(live.get(1), live.get(1), live.get(1)), live.subList(1, 4), "" + live);
  }

  @Test
  void noArrayOutlivesItsStepWithTheReferenceEnqueueOrder() {
    FimaPretrainer p = pretrainer(new FakePretrainData(16));
    List<Integer> live = liveArraysAfterEachStep(p);
    p.pretrain(
        config(
            dir.resolve("leak2"),
            1,
            "checkpoint.everyEpochs=10",
            "loss.referenceEnqueueOrder=true"),
        null);
    assertEquals(4, live.size());
    for (int i = 2; i < 4; i++) {
      assertEquals(live.get(1), live.get(i), "arrays alive after each step: " + live);
    }
  }

  /**
   * Counts the arrays alive in every manager after each step of a pretrainer's next run: constant
   * from the second step on when nothing outlives its step.
   */
  private static List<Integer> liveArraysAfterEachStep(FimaPretrainer p) {
    List<Integer> live = new ArrayList<>();
    p.addListener(
        new StepListener() {
          @Override
          public void onStep(StepRecord r) {
            try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager()) {
              live.add(probe.getParentManager().getManagedArrays().size());
            }
          }
        });
    return live;
  }

  @Test
  void everyVideoLeftOutIsCountedInTheMetricsAndListedInTheResult() throws Exception {
    Path run = dir.resolve("left-out");
    FakePretrainData data =
        new FakePretrainData(16)
            .leaveOut(-1, -1, "v/short.avi", "too short: 3 frames for a 8-frame window")
            .leaveOut(1, 2, "v/bad.avi", "unreadable: Invalid data found when processing input");
    PretrainResult result = pretrainer(data).pretrain(config(run, 2), null);
    List<Map<String, Object>> lines =
        new MetricsLog(run.resolve(MetricsLog.FILE))
            .read().stream().filter(r -> "left_out".equals(r.get("type"))).toList();
    assertEquals(2, lines.size(), lines.toString());
    assertEquals("v/short.avi", lines.get(0).get("video"));
    assertEquals(0, ((Number) lines.get(0).get("step")).intValue(), "before the first step");
    assertEquals(1, ((Number) lines.get(0).get("left_out_videos")).intValue());
    assertEquals("v/bad.avi", lines.get(1).get("video"));
    // Epoch 1, batch 2 of 4 per epoch: the 7th step.
    assertEquals(7, ((Number) lines.get(1).get("step")).intValue());
    assertEquals(1, ((Number) lines.get(1).get("epoch")).intValue());
    assertEquals(
        "unreadable: Invalid data found when processing input", lines.get(1).get("reason"));
    assertEquals(2, ((Number) lines.get(1).get("left_out_videos")).intValue());
    assertEquals(
        List.of(Path.of("v/short.avi"), Path.of("v/bad.avi")),
        result.leftOut().stream().map(dev.fima.api.data.QuarantineEntry::video).toList());
  }
}
