package dev.fima.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Averaging;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.config.Schedule;
import dev.fima.cli.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The protocol files hold the reference settings (method notes, sections 7 and 8). */
class ProtocolsTest {

  private static <C> C load(C defaults, String file) {
    return Protocols.load(defaults, file, List.of());
  }

  @Test
  void ucf101PretrainIsTrainUcf101Sh() {
    PretrainConfig c = load(PretrainConfig.defaults(), "ucf101-pretrain.yaml");
    assertEquals(DatasetKind.UCF101, c.data().dataset());
    assertEquals(1, c.data().split());
    assertEquals("i3d", c.backbone().name());
    assertEquals(224, c.clip().crop());
    assertEquals(16, c.clip().frames());
    assertEquals(2, c.clip().stride());
    assertEquals(200, c.epochs());
    assertEquals(24, c.batchSize());
    assertEquals(0.00375, c.optim().scaledLr(c.batchSize()), 1e-12, "0.01 * 24 / 64");
    assertEquals(Schedule.COSINE, c.optim().schedule());
    assertEquals(2240, c.model().queueSize());
    assertEquals(0, c.model().denseQueueSize());
    assertEquals(42, c.run().seed());
  }

  @Test
  void kinetics400PretrainIsTrainShWithTheK400Queues() {
    PretrainConfig c = load(PretrainConfig.defaults(), "k400-pretrain.yaml");
    assertEquals(DatasetKind.KINETICS400, c.data().dataset());
    assertEquals(256, c.data().shortSide(), "the reference reads train_256");
    assertEquals("i3d", c.backbone().name());
    assertEquals(224, c.clip().crop());
    assertEquals(100, c.epochs());
    assertEquals(64, c.batchSize());
    assertEquals(0.01, c.optim().scaledLr(c.batchSize()), 1e-12);
    assertEquals(65536, c.model().queueSize());
    assertEquals(31360, c.model().denseQueueSize());
  }

  @Test
  void finetuneProtocolsAreEvalShWithTheForcedDropouts() {
    for (String file :
        List.of("ucf101-finetune.yaml", "hmdb51-finetune.yaml", "diving48-finetune.yaml")) {
      FinetuneConfig c = load(FinetuneConfig.defaults(), file);
      assertEquals(150, c.epochs(), file);
      assertEquals(16, c.batchSize(), file);
      assertEquals(0.01, c.optim().scaledLr(c.batchSize()), 1e-12, file);
      assertEquals(Schedule.STEP, c.optim().schedule(), file);
      assertEquals(List.of(60, 120), c.optim().milestones(), file);
      assertEquals(0.1, c.optim().gamma(), 1e-12, file);
      assertEquals(224, c.clip().crop(), file);
      assertEquals(10, c.testClips(), file);
      assertEquals(1, c.testCrops(), file);
      assertEquals(0.0, c.valFraction(), file + ": no model selection on the test split");
    }
    assertEquals(0.7, load(FinetuneConfig.defaults(), "ucf101-finetune.yaml").dropout());
    assertEquals(0.5, load(FinetuneConfig.defaults(), "hmdb51-finetune.yaml").dropout());
    assertEquals(
        DatasetKind.DIVING48,
        load(FinetuneConfig.defaults(), "diving48-finetune.yaml").data().dataset());
  }

  @Test
  void linearAndRetrievalProtocolsUseTheirDatasetsAt224Pixels() {
    for (String name : List.of("ucf101", "hmdb51")) {
      DatasetKind kind = DatasetKind.valueOf(name.toUpperCase());
      LinearProbeConfig p = load(LinearProbeConfig.defaults(), name + "-linear.yaml");
      assertEquals(kind, p.data().dataset());
      assertEquals(224, p.clip().crop());
      assertEquals(10, p.testClips());
      assertEquals(Averaging.PROBABILITIES, p.averaging());
      RetrieveConfig r = load(RetrieveConfig.defaults(), name + "-retrieve.yaml");
      assertEquals(kind, r.data().dataset());
      assertEquals(10, r.clips());
      assertEquals(List.of(1, 5, 10, 20, 50), r.ks());
    }
  }

  @Test
  void transferProtocolsReadAFolderOfClasses() {
    LinearProbeConfig p = load(LinearProbeConfig.defaults(), "transfer-folder.yaml");
    assertEquals(DatasetKind.FOLDER, p.data().dataset());
    FinetuneConfig f = load(FinetuneConfig.defaults(), "transfer-folder-finetune.yaml");
    assertEquals(DatasetKind.FOLDER, f.data().dataset());
    assertEquals(0.1, f.valFraction());
  }

  @Test
  void everyProtocolFileOnDiskIsPackagedAndLoads() throws Exception {
    // Surefire runs in the module folder, where examples/configs is configs/.
    List<String> files;
    try (Stream<Path> s = Files.list(Path.of("configs"))) {
      files = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(11, files.size(), files.toString());
    for (String f : files) {
      assertTrue(
          Protocols.class.getResource("configs/" + f) != null, f + " is missing from the jar");
    }
  }

  @Test
  void theCommandLineFormResolvesTheSameConfigurationAsTheExample() {
    CliRun r =
        CliRun.of(
            "finetune",
            "-c",
            "configs/ucf101-finetune.yaml",
            "--backbone",
            "runs/ucf101-pretrain/backbone",
            "--data",
            "/data/ucf101",
            "--print-config");
    assertEquals(0, r.code());
    FinetuneConfig fromCli = Configs.fromJson(yamlToJson(r.out()), FinetuneConfig.class);
    FinetuneConfig fromExample =
        Protocols.load(
            FinetuneConfig.defaults(),
            "ucf101-finetune.yaml",
            List.of("backbone=runs/ucf101-pretrain/backbone", "data.root=/data/ucf101"));
    assertEquals(fromExample, fromCli);
  }

  @Test
  void aBadOverrideFailsBeforeAnyWorkNamingTheField() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Protocols.load(
                    FinetuneConfig.defaults(), "ucf101-finetune.yaml", List.of("dropout=2")));
    assertTrue(e.getMessage().startsWith("dropout: must be in [0, 0.99]"), e.getMessage());
  }

  @Test
  void aBadSplitIsAOneLineErrorNamingTheOption() {
    CommandLine cli = Examples.commandLine(new Ucf101Finetune());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("--data", "nowhere", "--backbone", "random:r3d-tiny", "--split", "4");
    assertEquals(2, code);
    assertEquals("ucf101-finetune: --split: must be 1, 2, 3 or all, got 4", err.toString().trim());
  }

  private static String yamlToJson(String yaml) {
    try {
      return Configs.json().writeValueAsString(new ObjectMapper(new YAMLFactory()).readTree(yaml));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
