package dev.fima.eval.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.Averaging;
import dev.fima.api.config.CheckpointConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.config.OptimConfig;
import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.config.Schedule;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.config.TestConfig;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.jobs.EvalReport;
import dev.fima.datasets.VideoSupervisedDataSource;
import dev.fima.datasets.synth.MotionVideoGenerator;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.RegistryBackboneProvider;
import dev.fima.eval.classify.MultiClipTestJob;
import dev.fima.eval.finetune.FineTuneJob;
import dev.fima.eval.probe.LinearProbeJob;
import dev.fima.eval.retrieval.RetrievalJob;
import dev.fima.eval.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe, retrieval, fine-tuning and testing on real video files: the motion-video generator
 * writes a miniature UCF101 layout, fima-datasets decodes it, and the jobs run end to end on the
 * CPU.
 */
class GeneratedVideosEndToEndTest {

  @TempDir static Path dir;

  /** The production data source and backbones, built as the jobs' bindings build them. */
  private static final SupervisedDataSource SOURCE = new VideoSupervisedDataSource();

  private static final BackboneProvider BACKBONES = new RegistryBackboneProvider();
  private static DataConfig data;

  /** The CPU-sized R3D of the registry, randomly initialised. */
  private static final String BACKBONE = "random:r3d-tiny";

  /** Four 16x16 frames at stride 2: windows of 8 of the 12 generated frames. */
  private static final ClipConfig CLIP = new ClipConfig(4, 2, 16, 1);

  @BeforeAll
  static void generate() {
    Path root =
        new MotionVideoGenerator()
            .generate(
                new SynthConfig(
                    dir.resolve("videos").toString(),
                    3,
                    6,
                    12,
                    32,
                    32,
                    25,
                    0.34,
                    1,
                    0.3,
                    0.5,
                    1,
                    0,
                    1.0,
                    0.3,
                    0.02,
                    0,
                    0));
    data = new DataConfig(DatasetKind.UCF101, root.toString(), 1, 1, 2, 0, true);
  }

  @Test
  void linearProbeRunsOnGeneratedVideos() throws IOException {
    LinearProbeConfig config =
        new LinearProbeConfig(
            BACKBONE,
            data,
            CLIP,
            2,
            2,
            3,
            Averaging.PROBABILITIES,
            0.25,
            List.of(0.1, 1.0),
            List.of(0.0),
            10,
            8,
            12,
            Fixtures.run(dir.resolve("probe"), 1));
    EvalReport first = new LinearProbeJob(SOURCE, BACKBONES).probe(config);
    assertEquals(6.0, first.metrics().get("videos"), "2 of 6 videos per class are test videos");
    assertEquals(0.0, first.metrics().get("skippedTrainVideos"));
    assertEquals(0.0, first.metrics().get("skippedTestVideos"));
    double top1 = first.metrics().get("top1");
    assertTrue(
        top1 >= 0 && top1 <= 1 && top1 <= first.metrics().get("top3"), first.metrics().toString());
    assertEquals("2 x 3", first.protocol().get("testClipsPerVideo"));
    String md = Files.readString(dir.resolve("probe/linear-probe.md"));
    assertTrue(md.contains("| train | BUILT train-2x1.features |"), md);

    EvalReport second = new LinearProbeJob(SOURCE, BACKBONES).probe(config);
    assertEquals(first.metrics(), second.metrics(), "cached features give the same result");
    md = Files.readString(dir.resolve("probe/linear-probe.md"));
    assertTrue(md.contains("| train | REUSED train-2x1.features |"), md);
  }

  @Test
  void fineTuningAndTestingRunOnGeneratedVideos() {
    FinetuneConfig config =
        new FinetuneConfig(
            BACKBONE,
            data,
            CLIP,
            AugmentConfig.defaults(),
            new OptimConfig(0.01, 4, 0.9, 1e-4, Schedule.COSINE, 0, List.of(), 0.1, 1.0),
            2,
            4,
            0.5,
            0.25,
            1,
            2,
            1,
            Averaging.PROBABILITIES,
            new CheckpointConfig(1, 0, 1),
            Fixtures.run(dir.resolve("ft"), 1));
    EvalReport tuned =
        new FineTuneJob(SOURCE, BACKBONES).showProgress(false).finetune(config, null);
    assertEquals(6.0, tuned.metrics().get("videos"));
    assertTrue(tuned.metrics().containsKey("bestValidationEpoch"), tuned.metrics().toString());

    EvalReport tested =
        new MultiClipTestJob(SOURCE, BACKBONES)
            .test(
                new TestConfig(
                    dir.resolve("ft/model").toString(),
                    data,
                    CLIP,
                    2,
                    1,
                    Averaging.PROBABILITIES,
                    8,
                    Fixtures.run(dir.resolve("ft-test"), 1)));
    assertEquals(tuned.metrics().get("top1"), tested.metrics().get("top1"));
  }

  @Test
  void retrievalRunsOnGeneratedVideos() throws IOException {
    RetrieveConfig config =
        new RetrieveConfig(
            BACKBONE, data, CLIP, 3, List.of(1, 5, 20), 12, Fixtures.run(dir.resolve("ret"), 1));
    EvalReport r = new RetrievalJob(SOURCE, BACKBONES).retrieve(config);
    assertEquals(6.0, r.metrics().get("queries"));
    assertEquals(12.0, r.metrics().get("gallery"));
    double r1 = r.metrics().get("recall@1");
    double r5 = r.metrics().get("recall@5");
    assertTrue(r1 <= r5 && r5 <= r.metrics().get("recall@20"), r.metrics().toString());
    assertEquals(1.0, r.metrics().get("recall@20"), "20 exceeds the 12-video gallery");
    assertEquals(7, Files.readAllLines(dir.resolve("ret/retrieve-neighbours.csv")).size());
  }
}
