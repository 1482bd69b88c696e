package dev.fima.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigsTest {

  @TempDir Path dir;

  @Test
  void defaultsRoundTripUnchanged() {
    PretrainConfig loaded = Configs.load(PretrainConfig.defaults(), null, List.of());
    assertEquals(PretrainConfig.defaults(), loaded);
  }

  @Test
  void fileAndOverridesAreLaidOverDefaults() throws IOException {
    Path file = dir.resolve("run.yaml");
    Files.writeString(
        file,
        """
        epochs: 5
        optim:
          lr: 0.02
          schedule: step
        clip:
          frames: 8
        """);
    PretrainConfig cfg =
        Configs.load(
            PretrainConfig.defaults(), file, List.of("optim.lr=0.5", "optim.milestones=[2, 4]"));
    assertEquals(5, cfg.epochs());
    assertEquals(0.5, cfg.optim().lr());
    assertEquals(Schedule.STEP, cfg.optim().schedule());
    assertEquals(List.of(2, 4), cfg.optim().milestones());
    assertEquals(8, cfg.clip().frames());
    // Untouched siblings keep their defaults.
    assertEquals(2, cfg.clip().stride());
    assertEquals(0.9, cfg.optim().momentum());
  }

  @Test
  void unknownFieldInFileIsNamedWithItsPath() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "optim:\n  learningRate: 0.1\n");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Configs.load(PretrainConfig.defaults(), file, List.of()));
    assertEquals("optim.learningRate", e.field());
    assertTrue(e.getMessage().contains("unknown field"), e.getMessage());
    assertTrue(e.getMessage().contains("lr"), "lists the known fields: " + e.getMessage());
  }

  @Test
  void unknownOverrideIsNamed() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Configs.load(PretrainConfig.defaults(), null, List.of("model.heads=4")));
    assertEquals("model.heads", e.field());
  }

  @Test
  void outOfRangeValueIsNamedWithItsFullPath() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Configs.load(PretrainConfig.defaults(), null, List.of("optim.lr=-1")));
    assertEquals("optim.lr", e.field());
    assertEquals("optim.lr: must be > 0, got -1.0", e.getMessage());
  }

  @Test
  void deeplyNestedOutOfRangeValueIsNamed() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Configs.load(PretrainConfig.defaults(), null, List.of("run.device.count=0")));
    assertEquals("run.device.count", e.field());
  }

  @Test
  void crossFieldRuleNamesTheField() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Configs.load(
                    PretrainConfig.defaults(),
                    null,
                    List.of("model.queueSize=16", "batchSize=32")));
    assertEquals("model.queueSize", e.field());
    assertTrue(e.getMessage().contains("batchSize = 32"), e.getMessage());
  }

  @Test
  void wrongTypeIsNamed() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Configs.load(PretrainConfig.defaults(), null, List.of("epochs=many")));
    assertEquals("epochs", e.field());
    assertTrue(e.getMessage().contains("integer"), e.getMessage());
  }

  @Test
  void aFractionForAnIntegerFieldIsRejectedNotTruncated() {
    for (String override : List.of("epochs=1.5", "clip.frames=8.9", "optim.milestones=[2, 4.5]")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> Configs.load(PretrainConfig.defaults(), null, List.of(override)),
              override);
      String field = override.substring(0, override.indexOf('='));
      String value = override.endsWith("]") ? "4.5" : override.substring(field.length() + 1);
      assertEquals(
          (field.equals("optim.milestones") ? "optim.milestones[1]" : field)
              + ": must be an integer, got "
              + value,
          e.getMessage());
    }
    assertEquals(
        8, Configs.load(PretrainConfig.defaults(), null, List.of("clip.frames=8")).clip().frames());
  }

  @Test
  void aKeyGivenTwiceInOneMappingIsRejectedNamingBothLines() throws IOException {
    Path file = dir.resolve("twice.yaml");
    Files.writeString(
        file,
        """
        epochs: 3
        clip:
          frames: 8
          stride: 2
          frames: 16
        """);
    DataException e =
        assertThrows(
            DataException.class, () -> Configs.load(PretrainConfig.defaults(), file, List.of()));
    assertEquals(file + ": key 'clip.frames' is given twice, on line 3 and line 5", e.getMessage());
    Path top = dir.resolve("top.yaml");
    Files.writeString(top, "epochs: 3\nbatchSize: 4\nepochs: 5\n");
    e =
        assertThrows(
            DataException.class, () -> Configs.load(PretrainConfig.defaults(), top, List.of()));
    assertEquals(top + ": key 'epochs' is given twice, on line 1 and line 3", e.getMessage());
    // The same name in two different mappings is no repetition.
    Path siblings = dir.resolve("siblings.yaml");
    Files.writeString(siblings, "clip:\n  frames: 8\nbackbone:\n  name: r3d-tiny\nepochs: 2\n");
    assertEquals(2, Configs.load(PretrainConfig.defaults(), siblings, List.of()).epochs());
  }

  @Test
  void unknownEnumNameListsTheChoices() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Configs.load(PretrainConfig.defaults(), null, List.of("model.method=simclr")));
    assertEquals("model.method", e.field());
    assertTrue(e.getMessage().contains("fima, moco"), e.getMessage());
  }

  @Test
  void localClipsMustSplitTheWindow() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Configs.load(
                    PretrainConfig.defaults(),
                    null,
                    List.of("clip.frames=5", "clip.stride=1", "clip.localClips=2")));
    assertEquals("clip.localClips", e.field());
  }

  @Test
  void missingFileIsADataErrorNamingThePath() {
    Path missing = dir.resolve("nope.yaml");
    DataException e =
        assertThrows(
            DataException.class, () -> Configs.load(PretrainConfig.defaults(), missing, List.of()));
    assertEquals(missing, e.path());
  }

  @Test
  void resourceAndOverridesAreLaidOverDefaults() throws IOException {
    Path file = dir.resolve("protocol.yaml");
    Files.writeString(file, "epochs: 7\nbackbone:\n  name: i3d\n");
    PretrainConfig cfg =
        Configs.loadResource(PretrainConfig.defaults(), file.toUri().toURL(), List.of("epochs=2"));
    assertEquals(2, cfg.epochs(), "overrides win over the resource");
    assertEquals("i3d", cfg.backbone().name());
    assertEquals(1.0, cfg.backbone().width(), "untouched siblings keep their defaults");

    Files.writeString(file, "backbone:\n  name: i3d\n  widht: 2\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Configs.loadResource(PretrainConfig.defaults(), file.toUri().toURL(), List.of()));
    assertTrue(e.getMessage().startsWith("backbone.widht: unknown field"), e.getMessage());
    assertThrows(
        DataException.class,
        () -> Configs.loadResource(PretrainConfig.defaults(), null, List.of()));
  }

  @Test
  void jsonRoundTrip() {
    PretrainConfig cfg = Configs.load(PretrainConfig.defaults(), null, List.of("epochs=3"));
    assertEquals(cfg, Configs.fromJson(Configs.toJson(cfg), PretrainConfig.class));
  }

  @Test
  void everyJobHasValidDefaults() {
    for (Object defaults :
        List.of(
            PretrainConfig.defaults(),
            LinearProbeConfig.defaults(),
            FinetuneConfig.defaults(),
            TestConfig.defaults(),
            RetrieveConfig.defaults(),
            SynthConfig.defaults(),
            PrepareConfig.defaults())) {
      assertEquals(defaults, Configs.load(defaults, null, List.of()));
    }
  }

  @Test
  void lrScalesLinearlyWithBatch() {
    // The reference's UCF101 script: 0.01 at 64 becomes 0.00375 at 24.
    assertEquals(0.00375, OptimConfig.defaults().scaledLr(24), 1e-12);
  }
}
