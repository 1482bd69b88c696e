package dev.fima.eval.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.Averaging;
import dev.fima.api.config.CheckpointConfig;
import dev.fima.api.config.DiffAugmentConfig;
import dev.fima.api.config.DiffMode;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.OptimConfig;
import dev.fima.api.config.Schedule;
import dev.fima.api.config.TestConfig;
import dev.fima.api.jobs.ClipTester;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.FineTuner;
import dev.fima.djl.train.MetricsLog;
import dev.fima.eval.backbone.ParameterDigest;
import dev.fima.eval.classify.FineTunedModel;
import dev.fima.eval.classify.MultiClipTestJob;
import dev.fima.eval.testing.FakeSupervisedData;
import dev.fima.eval.testing.Fixtures;
import dev.fima.eval.testing.TinyBackboneProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTuneJobTest {

  @TempDir Path dir;

  private final FakeSupervisedData data = new FakeSupervisedData(3, 6, 2, 0.1f);
  private final TinyBackboneProvider backbones = new TinyBackboneProvider();

  /** No colour augmentation: the fake's classes are colours. */
  private static final AugmentConfig AUGMENT =
      new AugmentConfig(
          0.5,
          1.0,
          0.5,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0.1,
          2.0,
          true,
          DiffMode.WRAP,
          DiffAugmentConfig.none());

  private FinetuneConfig config(
      String output, int epochs, double valFraction, double dropout, CheckpointConfig ckpt) {
    return new FinetuneConfig(
        "random:tiny",
        Fixtures.data(dir),
        Fixtures.CLIP,
        AUGMENT,
        new OptimConfig(0.05, 6, 0.9, 0, Schedule.STEP, 0, List.of(3), 0.5, 0),
        epochs,
        6,
        dropout,
        valFraction,
        2,
        2,
        1,
        Averaging.PROBABILITIES,
        ckpt,
        Fixtures.run(dir.resolve(output), 5));
  }

  private FineTuner tuner() {
    return new FineTuneJob(data, backbones).showProgress(false);
  }

  /** The step records of a run's metrics log. */
  private static List<Map<String, Object>> steps(Path run) {
    return new MetricsLog(run.resolve(MetricsLog.FILE))
        .read().stream().filter(r -> "step".equals(r.get("type"))).toList();
  }

  @Test
  void fineTunesAboveChanceAndSavesAModelThatFimaTestReproduces() throws IOException {
    EvalReport r = tuner().finetune(config("run", 4, 0, 0.2, new CheckpointConfig(2, 0, 3)), null);

    assertTrue(r.metrics().get("top1") > 0.67, "chance is 1/3: " + r.metrics());
    assertEquals(6.0, r.metrics().get("videos"));
    assertFalse(r.metrics().containsKey("bestValidationEpoch"), "no validation part, no best");
    Path out = dir.resolve("run");
    List<Map<String, Object>> steps = steps(out);
    assertEquals(4 * 3, steps.size(), "18 videos / batch 6 = 3 steps per epoch");
    assertEquals(0.05, ((Number) steps.get(0).get("lr")).doubleValue(), 1e-9, "at batch 6");
    assertEquals(0.025, ((Number) steps.get(9).get("lr")).doubleValue(), 1e-9, "x0.5 from epoch 3");
    assertTrue(Files.isRegularFile(out.resolve("finetune-loss.png")));
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      assertEquals(2, s.count(), "after epochs 2 and 4");
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("finetune.json").toFile());
    assertEquals("dropout 0.2, linear, softmax cross-entropy", json.at("/protocol/head").asText());
    assertEquals("step x0.5 at epochs [3]", json.at("/protocol/schedule").asText());
    assertTrue(json.at("/protocol/validationVideos").asText().startsWith("none"));

    ClipTester tester = new MultiClipTestJob(data, backbones);
    EvalReport test =
        tester.test(
            new TestConfig(
                out.resolve("model").toString(),
                Fixtures.data(dir),
                Fixtures.CLIP,
                2,
                1,
                Averaging.PROBABILITIES,
                6,
                Fixtures.run(dir.resolve("test"), 5)));
    assertEquals(r.metrics().get("top1"), test.metrics().get("top1"), "same model, same protocol");
  }

  @Test
  void validationPicksABestEpochReportedBesideTheLastOne() throws IOException {
    EvalReport r =
        tuner().finetune(config("val", 4, 0.34, 0.2, new CheckpointConfig(10, 0, 1)), null);
    // 2 of 6 videos per class are held out: 12 fit videos, 2 steps per epoch.
    assertEquals(8, steps(dir.resolve("val")).size());
    double best = r.metrics().get("bestValidationTop1");
    assertTrue(r.metrics().containsKey("testTop1AtBestValidationEpoch"));
    assertTrue(r.metrics().containsKey("top1"), "the last epoch is always reported");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("val/finetune.json").toFile());
    JsonNode validations = json.get("details").elements().next();
    assertEquals(2, validations.size(), "valEveryEpochs 2 over 4 epochs");
    double max = 0;
    int maxEpoch = 0;
    for (JsonNode v : validations) {
      if (v.get("top1").asDouble() > max) {
        max = v.get("top1").asDouble();
        maxEpoch = v.get("epoch").asInt();
      }
    }
    assertEquals(max, best);
    assertEquals(maxEpoch, r.metrics().get("bestValidationEpoch").intValue());
    assertTrue(Files.isRegularFile(dir.resolve("val/best-model/model.json")));
    assertEquals("6 (stratified 0.34, seed 5)", json.at("/protocol/validationVideos").asText());
  }

  @Test
  void aNonFiniteBatchIsUndoneWeightsAndBatchNormStatisticsAlike() throws IOException {
    // The NaN batch's forward pass fed the batch-norm running statistics before its loss was known;
    // the skipped step puts them back, so the model after it is the model before it, byte for byte,
    // and the run's last checkpoint and its evaluation are intact.
    data.poisoned = java.util.Set.of("1/2");
    EvalReport r =
        tuner().finetune(config("poisoned", 2, 0, 0, new CheckpointConfig(1, 1, 10)), null);
    List<Map<String, Object>> steps = steps(dir.resolve("poisoned"));
    assertEquals(6, steps.size());
    assertEquals(true, steps.get(5).get("skipped"));
    assertEquals(false, steps.get(4).get("skipped"));
    Path checkpoints = dir.resolve("poisoned/checkpoints");
    byte[] before = Files.readAllBytes(checkpoints.resolve("checkpoint-000000000005/model.params"));
    byte[] after = Files.readAllBytes(checkpoints.resolve("checkpoint-000000000006/model.params"));
    assertArrayEquals(before, after);
    assertTrue(Double.isFinite(r.metrics().get("top1")), r.metrics().toString());
  }

  @Test
  void resumingFromACheckpointMidEpochGivesTheSameModelAsAnUninterruptedRun() throws IOException {
    // Dropout off: its random mask is the one thing a checkpoint does not hold.
    CheckpointConfig everyStep = new CheckpointConfig(1, 1, 100);
    tuner().finetune(config("straight", 3, 0, 0, everyStep), null);

    Path straight = dir.resolve("straight");
    // Step 4 is epoch 1, batch 1 of 3: the momentum buffers are mid-run.
    Path mid = straight.resolve("checkpoints/checkpoint-000000000004");
    assertTrue(Files.isDirectory(mid));
    tuner().finetune(config("resumed", 3, 0, 0, everyStep), mid);
    assertEquals(
        List.of(5L, 6L, 7L, 8L, 9L),
        steps(dir.resolve("resumed")).stream()
            .map(r -> ((Number) r.get("step")).longValue())
            .toList(),
        "only the steps after the checkpoint are trained again");

    try (NDManager m = NDManager.newBaseManager()) {
      FineTunedModel a =
          FineTunedModel.load(straight.resolve("model"), backbones, Fixtures.CLIP, m, 1);
      FineTunedModel b =
          FineTunedModel.load(dir.resolve("resumed/model"), backbones, Fixtures.CLIP, m, 2);
      assertEquals(ParameterDigest.of(a.classifier()), ParameterDigest.of(b.classifier()));
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("resumed/finetune.json").toFile());
    assertTrue(json.at("/protocol/resumedFrom").asText().endsWith("checkpoint-000000000004"));
    assertEquals(9, json.at("/protocol/steps").asInt());
  }
}
