package dev.fima.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DemoConfig;
import dev.fima.api.config.DiffAugmentConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end on a miniature generated dataset, and its configuration plumbing. */
class DemoTest {

  @TempDir Path dir;

  /** Shrinks every stage to seconds: 3 classes x 6 videos of 20 frames, 8x16x16 clips. */
  private static final List<String> MINIATURE =
      List.of(
          "synth.classes=3",
          "synth.videosPerClass=6",
          "synth.frames=20",
          "synth.width=32",
          "synth.height=32",
          "synth.testFraction=0.34",
          "clip.frames=8",
          "clip.crop=16",
          "pretrain.epochs=1",
          "pretrain.batchSize=4",
          "pretrain.model.queueSize=16",
          "pretrain.model.decoderDim=32",
          "pretrain.model.projectionHidden=32",
          "pretrain.model.decoderFeedForward=32",
          "ceiling.epochs=1",
          "ceiling.batchSize=4",
          "ceiling.testClips=2",
          "linearProbe.testClips=2",
          "linearProbe.epochs=10",
          "linearProbe.lrGrid=[0.1]",
          "linearProbe.weightDecayGrid=[0.0]",
          "linearProbe.valFraction=0.25",
          "retrieve.clips=2",
          "retrieve.ks=[1, 5]");

  @Test
  void demoRunsEveryStageAndWritesTheReport() throws Exception {
    Path out = dir.resolve("demo");
    List<String> args = new ArrayList<>(List.of("demo", "-o", out.toString(), "--seed", "3"));
    args.addAll(CliRun.sets(MINIATURE));
    CliRun r = CliRun.of(args);
    String text = r.out();
    assertEquals(0, r.code(), r.err() + "\n" + text);

    for (String stage : List.of("[1/6]", "[2/6]", "[3/6]", "[4/6]", "[5/6]")) {
      assertTrue(text.contains(stage), "missing stage " + stage + " in\n" + text);
    }
    for (Demo.Row row : Demo.Row.values()) {
      assertTrue(text.contains(row.label()), "table lacks " + row.label() + "\n" + text);
    }
    assertTrue(text.contains("chance (3 classes)"), text);
    assertTrue(text.contains("33.3 %"), text);
    assertTrue(text.contains("demo report: " + out.resolve("demo.md")), text);
    assertTrue(text.contains("Goals (each is about the mean of 3 seeds"), text);
    for (String goal :
        List.of(
            "FIMA's linear top-1 at least 15 points above the random floor: ",
            "FIMA's linear top-1 at least 10 points above MoCo: ",
            "FIMA's local motion term at least 0.5 nats below its chance value in the last epoch: ",
            "FIMA's dense motion term at least 0.5 nats below its chance value in the last epoch: ")) {
      assertTrue(text.contains(goal + "met (") || text.contains(goal + "not met ("), goal + text);
    }

    JsonNode report = Configs.json().readTree(out.resolve(DemoReport.JSON).toFile());
    assertEquals(3, report.get("seed").asLong());
    assertEquals(3, report.get("classes").asInt());
    assertTrue(report.get("versions").get("engine").asText().contains("2.7.1"), report.toString());
    assertEquals(3, report.get("config").get("run").get("seed").asLong());
    JsonNode rows = report.get("rows");
    assertEquals(4, rows.size());
    for (int i = 0; i < 4; i++) {
      JsonNode row = rows.get(i);
      assertEquals(Demo.Row.values()[i].key(), row.get("row").asText());
      double top1 = row.get("linearProbe").get("top1").asDouble();
      double r1 = row.get("retrieval").get("recall@1").asDouble();
      double r5 = row.get("retrieval").get("recall@5").asDouble();
      assertTrue(top1 >= 0 && top1 <= 1, row.toString());
      assertTrue(r1 >= 0 && r1 <= r5 && r5 <= 1, row.toString());
      assertEquals(6.0, row.get("linearProbe").get("videos").asDouble(), "2 test videos x 3");
      Path probe = Path.of(row.get("linearProbeReport").asText());
      assertTrue(Files.exists(probe.resolve("linear-probe.json")), probe.toString());
      assertTrue(Files.exists(probe.resolve("linear-probe-confusion.png")), probe.toString());
    }
    assertEquals("random:r3d-tiny?width=1.0", rows.get(2).get("backbone").asText());
    assertTrue(rows.get(0).get("trainingSeconds").asDouble() > 0);
    assertEquals(0.0, rows.get(2).get("trainingSeconds").asDouble(), "the floor is not trained");
    assertEquals(1, report.get("pretraining").get("fima").get("epochs").asInt());
    assertTrue(
        report.get("pretraining").get("fima").get("lastEpochLosses").has("dense"),
        report.get("pretraining").toString());
    assertTrue(
        !report.get("pretraining").get("moco").get("lastEpochLosses").has("dense"),
        "MoCo has no dense term: " + report.get("pretraining"));

    assertEquals(4, report.get("goals").size());
    assertTrue(report.get("goals").get(2).get("met").isBoolean(), report.get("goals").toString());
    assertTrue(Files.size(out.resolve(DemoReport.LOSS_PLOT)) > 1000);
    String md = Files.readString(out.resolve(DemoReport.MARKDOWN));
    assertTrue(md.contains("| FIMA | "), md);
    assertTrue(md.contains("| chance (3 classes) | 33.3 % |"), md);
    assertTrue(md.contains("- FIMA's linear top-1 at least 10 points above MoCo: "), md);
    assertTrue(
        text.contains(
            "with FIMA (loss weights: instance 0.5, local 1.0, dense 1.0; the reference uses 1"),
        text);
    PretrainConfig fima =
        Configs.load(
            PretrainConfig.defaults(), out.resolve("pretrain-fima/config.yaml"), List.of());
    PretrainConfig moco =
        Configs.load(
            PretrainConfig.defaults(), out.resolve("pretrain-moco/config.yaml"), List.of());
    assertEquals(0.5, fima.loss().instanceWeight(), "the demo's FIMA instance weight");
    assertEquals(1.0, moco.loss().instanceWeight(), "MoCo's only term keeps weight 1");
    assertEquals(DiffAugmentConfig.noJitter(), fima.augment().diff());
    assertTrue(Files.exists(out.resolve("backbones/fima/backbone.json")));
    assertTrue(Files.exists(out.resolve("ceiling/model/backbone/backbone.json")));
    assertTrue(Files.exists(out.resolve("data/ucfTrainTestlist/classInd.txt")));
  }

  @Test
  void anEarlierDemoInTheOutputFolderIsRefusedBeforeAnyWork() throws Exception {
    Path out = dir.resolve("earlier");
    Files.createDirectories(out.resolve("data"));
    Files.writeString(out.resolve("data/keep.txt"), "earlier videos");
    CliRun r = CliRun.of("demo", "-o", out.toString());
    assertEquals(2, r.code());
    assertTrue(
        r.err().contains("run.output: " + out + " already holds a demo run (data)"), r.err());
    assertEquals("earlier videos", Files.readString(out.resolve("data/keep.txt")));
    try (var files = Files.list(out)) {
      assertEquals(1, files.count(), "nothing written beside the earlier run");
    }
  }

  @Test
  void withReplacesNestedFieldsAndValidates() {
    DemoConfig config = DemoConfig.defaults();
    DemoConfig changed =
        Demo.with(config, Map.of("pretrain.epochs", 9, "clip", config.clip(), "run.seed", 5L));
    assertEquals(9, changed.pretrain().epochs());
    assertEquals(5L, changed.run().seed());
    assertEquals(config.ceiling(), changed.ceiling());
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> Demo.with(config, Map.of("pretrain.epochs", 0)));
    assertTrue(e.getMessage().contains("pretrain.epochs"), e.getMessage());
  }

  @Test
  void scaleMultipliesTheTrainingEpochs() {
    CliRun r = CliRun.of("demo", "--scale", "2.5", "--print-config");
    assertEquals(0, r.code());
    DemoConfig defaults = DemoConfig.defaults();
    String yaml = r.out();
    assertTrue(yaml.contains("epochs: " + Math.round(defaults.pretrain().epochs() * 2.5)), yaml);
    assertTrue(yaml.contains("epochs: " + Math.round(defaults.ceiling().epochs() * 2.5)), yaml);
    assertTrue(yaml.contains("output: runs/demo-"), "a fresh timestamped folder:\n" + yaml);
  }
}
