package dev.fima.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.config.BackboneConfig;
import dev.fima.api.config.Configs;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.cli.CliRun;
import dev.fima.datasets.synth.BenchmarkLayouts;
import dev.fima.datasets.synth.MotionVideoGenerator;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.LoadedBackbone;
import dev.fima.djl.backbone.VideoBackbone;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs every benchmark example end to end on a miniature generated copy of its dataset's official
 * layout (3 motion classes x 6 videos of 24 frames at 48x48; split k of UCF101 and HMDB51 tests 2
 * videos per class, so 12 train and 6 test), shrunk to seconds by overrides: r3d-tiny, 8 frames of
 * 32 pixels, one epoch, small batches, one libtorch thread. Every assertion also checks that the
 * example applied its protocol file (the fields the overrides leave alone keep the protocol's
 * values).
 */
class BenchmarkExamplesTest {

  @TempDir static Path dir;

  private static Path ucf101;
  private static Path hmdb51;
  private static Path diving48;
  private static Path kinetics400;
  private static Path myVideos;

  /** An exported r3d-tiny backbone for 8-frame 32-pixel clips, randomly initialised. */
  private static Path backbone;

  /** Shrinks any job: tiny clips, one loader thread, one libtorch thread. */
  private static final List<String> TINY_CLIPS =
      List.of("clip.frames=8", "clip.crop=32", "data.workers=1", "run.threads=1");

  /** Shrinks pretraining: r3d-tiny at half width, small heads, one epoch of batch 4. */
  private static final List<String> TINY_PRETRAIN =
      List.of(
          "backbone.name=r3d-tiny",
          "backbone.width=0.5",
          "model.projectionHidden=32",
          "model.embedding=16",
          "model.decoderDim=32",
          "model.decoderHeads=4",
          "model.decoderFeedForward=32",
          "epochs=1",
          "batchSize=4");

  private static final List<String> TINY_FINETUNE =
      List.of("epochs=1", "batchSize=4", "testClips=2");

  private static final List<String> TINY_PROBE =
      List.of(
          "epochs=5",
          "testClips=2",
          "lrGrid=[0.1]",
          "weightDecayGrid=[0.0]",
          "valFraction=0.25",
          "batchSize=8",
          "forwardBatch=8");

  private static final List<String> TINY_RETRIEVE = List.of("clips=2", "ks=[1, 5]", "batchSize=8");

  @BeforeAll
  static void generate() {
    ucf101 =
        new MotionVideoGenerator()
            .generate(
                new SynthConfig(
                    dir.resolve("ucf101").toString(),
                    3,
                    6,
                    24,
                    48,
                    48,
                    25,
                    0.34,
                    11,
                    0.3,
                    0.5,
                    1,
                    0,
                    1.0,
                    0.3,
                    0.02,
                    0.0,
                    0.0));
    hmdb51 = BenchmarkLayouts.hmdb51(ucf101, dir.resolve("hmdb51"));
    diving48 = BenchmarkLayouts.diving48(ucf101, dir.resolve("diving48"));
    kinetics400 = BenchmarkLayouts.kinetics400(ucf101, dir.resolve("kinetics400"));
    myVideos = BenchmarkLayouts.folder(ucf101, dir.resolve("my-videos"));
    backbone = dir.resolve("backbone");
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone b = Backbones.create(new BackboneConfig("r3d-tiny", 0.5, List.of()));
      Backbones.initialize(b, m, 8, 32);
      Backbones.save(b, backbone, Map.of());
    }
  }

  /** Runs an example's {@code main} path and returns its standard output; fails on an error. */
  private static String run(
      Object example, Path data, Path out, List<String> extra, String... args) {
    List<String> all = new ArrayList<>(List.of("--data", data.toString(), "-o", out.toString()));
    all.addAll(List.of(args));
    all.addAll(CliRun.sets(TINY_CLIPS));
    all.addAll(CliRun.sets(extra));
    CommandLine cli = Examples.commandLine(example);
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    cli.setOut(new PrintWriter(stdout));
    cli.setErr(new PrintWriter(stderr));
    int code = cli.execute(all.toArray(String[]::new));
    assertEquals(0, code, stderr.toString());
    return stdout.toString();
  }

  private static <C> C config(Path yaml, C defaults) {
    return Configs.load(defaults, yaml, List.of());
  }

  private static JsonNode json(Path file) throws IOException {
    return Configs.json().readTree(file.toFile());
  }

  /** Asserts an accuracy-like value is a fraction. */
  private static double fraction(JsonNode metrics, String name) {
    assertTrue(metrics.has(name), name + " missing from " + metrics);
    double v = metrics.get(name).asDouble();
    assertTrue(v >= 0 && v <= 1, name + " = " + v);
    return v;
  }

  private static void assertPretrainRun(Path out, String stdout) {
    assertTrue(Files.isRegularFile(out.resolve("config.yaml")), "config.yaml");
    assertTrue(Files.isRegularFile(out.resolve("metrics.jsonl")), "metrics.jsonl");
    assertTrue(stdout.contains("1 epochs (3 steps)"), "12 training videos / batch 4:\n" + stdout);
    assertTrue(stdout.contains("backbone: " + out.resolve("backbone")), stdout);
    try (NDManager m = NDManager.newBaseManager()) {
      LoadedBackbone loaded = Backbones.load(out.resolve("backbone"), m);
      assertEquals("r3d-tiny", loaded.descriptor().backbone().name());
      assertEquals(8, loaded.descriptor().input().frames());
      assertEquals(32, loaded.descriptor().input().crop());
    }
  }

  @Test
  void ucf101PretrainRunsOnTheOfficialLayoutAndExportsTheBackbone() {
    Path out = dir.resolve("runs/ucf101-pretrain");
    String stdout = run(new Ucf101Pretrain(), ucf101, out, TINY_PRETRAIN);
    assertPretrainRun(out, stdout);
    PretrainConfig c = config(out.resolve("config.yaml"), PretrainConfig.defaults());
    assertEquals("ucf101", c.data().dataset().name().toLowerCase());
    assertEquals(2240, c.model().queueSize(), "the protocol's K");
    assertEquals(0, c.model().denseQueueSize());
    assertEquals(42, c.run().seed());
  }

  @Test
  void kinetics400PretrainRunsOnTheCsvLayoutWithTheK400Queues() {
    Path out = dir.resolve("runs/k400-pretrain");
    String stdout = run(new Kinetics400Pretrain(), kinetics400, out, TINY_PRETRAIN);
    assertPretrainRun(out, stdout);
    PretrainConfig c = config(out.resolve("config.yaml"), PretrainConfig.defaults());
    assertEquals("kinetics400", c.data().dataset().name().toLowerCase());
    assertEquals(65536, c.model().queueSize());
    assertEquals(31360, c.model().denseQueueSize());
  }

  @Test
  void ucf101FinetuneRunsTheThreeSplitsAndTheirMean() throws IOException {
    Path out = dir.resolve("runs/ucf101-finetune");
    String stdout =
        run(
            new Ucf101Finetune(),
            ucf101,
            out,
            TINY_FINETUNE,
            "--backbone",
            backbone.toString(),
            "--split",
            "all");
    double sum = 0;
    for (int k = 1; k <= 3; k++) {
      Path split = out.resolve("split" + k);
      JsonNode report = json(split.resolve("finetune.json"));
      sum += fraction(report.get("metrics"), "top1");
      assertEquals(6, report.get("metrics").get("videos").asInt(), "2 test videos x 3 classes");
      FinetuneConfig c = config(split.resolve("finetune-config.yaml"), FinetuneConfig.defaults());
      assertEquals(k, c.data().split());
      assertEquals(0.7, c.dropout(), "the dropout eval.py forces for UCF101");
      assertEquals(List.of(60, 120), c.optim().milestones());
    }
    JsonNode summary = json(out.resolve("summary.json"));
    assertEquals("[1,2,3]", summary.get("splits").toString());
    assertEquals(sum / 3, summary.get("mean").get("top1").asDouble(), 1e-12);
    assertEquals("split2/finetune.json", summary.get("perSplit").get("2").get("report").asText());
    assertTrue(Files.readString(out.resolve("summary.md")).contains("| top1 |"));
    assertTrue(stdout.contains("ucf101-finetune: mean over splits [1, 2, 3]"), stdout);
  }

  @Test
  void hmdb51FinetuneRunsOneSplitOfTheTaggedSplitFiles() throws IOException {
    Path out = dir.resolve("runs/hmdb51-finetune");
    run(
        new Hmdb51Finetune(),
        hmdb51,
        out,
        TINY_FINETUNE,
        "--backbone",
        backbone.toString(),
        "--split",
        "2");
    JsonNode report = json(out.resolve("finetune.json"));
    fraction(report.get("metrics"), "top1");
    assertEquals(6, report.get("metrics").get("videos").asInt());
    FinetuneConfig c = config(out.resolve("finetune-config.yaml"), FinetuneConfig.defaults());
    assertEquals(2, c.data().split());
    assertEquals("hmdb51", c.data().dataset().name().toLowerCase());
    assertEquals(0.5, c.dropout(), "the dropout eval.py forces for HMDB51");
  }

  @Test
  void diving48FinetuneRunsOnTheV2JsonLayout() throws IOException {
    Path out = dir.resolve("runs/diving48-finetune");
    run(new Diving48Finetune(), diving48, out, TINY_FINETUNE, "--backbone", backbone.toString());
    JsonNode report = json(out.resolve("finetune.json"));
    fraction(report.get("metrics"), "top1");
    assertEquals(6, report.get("metrics").get("videos").asInt(), "split 1 of the source");
    FinetuneConfig c = config(out.resolve("finetune-config.yaml"), FinetuneConfig.defaults());
    assertEquals("diving48", c.data().dataset().name().toLowerCase());
    assertEquals(1, c.epochs(), "the override");
    assertEquals(List.of(60, 120), c.optim().milestones(), "the UCF101 protocol's steps");
    assertEquals(0.5, c.dropout());
  }

  @Test
  void ucf101LinearProbeRunsOneSplit() throws IOException {
    Path out = dir.resolve("runs/ucf101-linear");
    run(
        new Ucf101LinearProbe(),
        ucf101,
        out,
        TINY_PROBE,
        "--backbone",
        backbone.toString(),
        "--split",
        "3");
    JsonNode report = json(out.resolve("linear-probe.json"));
    double top1 = fraction(report.get("metrics"), "top1");
    assertTrue(top1 <= fraction(report.get("metrics"), "top3"), "top-1 <= top-3");
    LinearProbeConfig c =
        config(out.resolve("linear-probe-config.yaml"), LinearProbeConfig.defaults());
    assertEquals(3, c.data().split());
    assertEquals(backbone.toString(), c.backbone());
  }

  @Test
  void hmdb51LinearProbeRunsTheThreeSplitsAndTheirMean() throws IOException {
    Path out = dir.resolve("runs/hmdb51-linear");
    run(
        new Hmdb51LinearProbe(),
        hmdb51,
        out,
        TINY_PROBE,
        "--backbone",
        backbone.toString(),
        "--split",
        "all");
    JsonNode summary = json(out.resolve("summary.json"));
    assertEquals("linear-probe", summary.get("task").asText());
    double sum = 0;
    for (int k = 1; k <= 3; k++) {
      sum += fraction(json(out.resolve("split" + k + "/linear-probe.json")).get("metrics"), "top1");
    }
    assertEquals(sum / 3, fraction(summary.get("mean"), "top1"), 1e-12);
  }

  /** Runs {@code fima example <name> ...}, the command-line form, and returns its output. */
  private static String fimaExample(String name, Path data, Path out, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "example",
                name,
                "--data",
                data.toString(),
                "-o",
                out.toString(),
                "--backbone",
                backbone.toString()));
    all.addAll(List.of(args));
    all.addAll(CliRun.sets(TINY_CLIPS));
    all.addAll(CliRun.sets(TINY_RETRIEVE));
    CliRun r = CliRun.of(all);
    assertEquals(0, r.code(), r.err());
    return r.out();
  }

  private static void assertRetrieval(Path out, String dataset) throws IOException {
    JsonNode m = json(out.resolve("retrieve.json")).get("metrics");
    assertEquals(6, m.get("queries").asInt());
    assertEquals(12, m.get("gallery").asInt());
    assertTrue(fraction(m, "recall@1") <= fraction(m, "recall@5"), m.toString());
    RetrieveConfig c = config(out.resolve("retrieve-config.yaml"), RetrieveConfig.defaults());
    assertEquals(dataset, c.data().dataset().name().toLowerCase());
  }

  @Test
  void ucf101RetrievalRunsThroughTheFimaExampleCommand() throws IOException {
    Path out = dir.resolve("runs/ucf101-retrieve");
    String stdout = fimaExample("ucf101-retrieve", ucf101, out);
    assertRetrieval(out, "ucf101");
    assertTrue(stdout.contains("report: " + out.resolve("retrieve.md")), stdout);
  }

  @Test
  void hmdb51RetrievalRunsThroughTheFimaExampleCommand() throws IOException {
    Path out = dir.resolve("runs/hmdb51-retrieve");
    fimaExample("hmdb51-retrieve", hmdb51, out, "--split", "3");
    assertRetrieval(out, "hmdb51");
  }

  @Test
  void transferTakesTheClipSizeFromTheBackboneAndProbesAndFineTunes() throws IOException {
    // No clip overrides: the example reads 8 frames of 32 pixels from the backbone's descriptor.
    Path linear = dir.resolve("runs/transfer-linear");
    String stdout =
        run(
            new TransferToYourVideos(),
            myVideos,
            linear,
            TINY_PROBE,
            "--backbone",
            backbone.toString());
    assertTrue(stdout.contains("pretrained on 8 frames of 32 px"), stdout);
    fraction(json(linear.resolve("linear-probe.json")).get("metrics"), "top1");
    LinearProbeConfig lc =
        config(linear.resolve("linear-probe-config.yaml"), LinearProbeConfig.defaults());
    assertEquals("folder", lc.data().dataset().name().toLowerCase());

    Path tuned = dir.resolve("runs/transfer-finetune");
    run(
        new TransferToYourVideos(),
        myVideos,
        tuned,
        List.of("epochs=2", "batchSize=4", "testClips=2", "valEveryEpochs=1"),
        "--backbone",
        backbone.toString(),
        "--mode",
        "finetune");
    JsonNode m = json(tuned.resolve("finetune.json")).get("metrics");
    fraction(m, "top1");
    // Folder split 1 tests sorted positions 0 and 4 of each class's 6 videos.
    assertEquals(6, m.get("videos").asInt());
    FinetuneConfig fc = config(tuned.resolve("finetune-config.yaml"), FinetuneConfig.defaults());
    assertEquals(0.1, fc.valFraction(), "the protocol's validation part");
    assertEquals(8, fc.clip().frames());
    assertEquals(32, fc.clip().crop());
  }
}
