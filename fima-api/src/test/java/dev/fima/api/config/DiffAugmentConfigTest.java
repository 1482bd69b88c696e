package dev.fima.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffAugmentConfigTest {

  @TempDir Path dir;

  @Test
  void theDefaultDropsOnlyThePhotometricJitterAndPrintsAsFields() {
    PretrainConfig defaults = PretrainConfig.defaults();
    assertEquals(new DiffAugmentConfig(false, true, true, true, false), defaults.augment().diff());
    String yaml = Configs.toYaml(defaults);
    assertTrue(yaml.contains("shareRgbDraw: false"), yaml);
    assertEquals(defaults, Configs.load(PretrainConfig.defaults(), null, List.of()));
  }

  @Test
  void aPresetNameSetsEveryPart() {
    PretrainConfig c =
        Configs.load(PretrainConfig.defaults(), null, List.of("augment.diff=no_jitter"));
    assertEquals(new DiffAugmentConfig(false, true, true, true, false), c.augment().diff());
    c = Configs.load(PretrainConfig.defaults(), null, List.of("augment.diff=SHARED_JITTER"));
    assertEquals(new DiffAugmentConfig(true, true, true, true, true), c.augment().diff());
    c = Configs.load(PretrainConfig.defaults(), null, List.of("augment.diff=none"));
    assertEquals(new DiffAugmentConfig(false, false, false, true, false), c.augment().diff());
  }

  @Test
  void onePartCanBeSwitchedAloneInAnOverrideOrAFile() throws IOException {
    PretrainConfig c =
        Configs.load(PretrainConfig.defaults(), null, List.of("augment.diff.blur=false"));
    assertEquals(new DiffAugmentConfig(false, true, false, true, false), c.augment().diff());
    Path file = dir.resolve("run.yaml");
    Files.writeString(file, "augment:\n  diff:\n    jitter: true\n");
    c = Configs.load(PretrainConfig.defaults(), file, List.of("augment.diff.normalize=false"));
    assertEquals(new DiffAugmentConfig(true, true, true, false, false), c.augment().diff());
    assertEquals(DiffAugmentConfig.reference(), DiffAugmentConfig.preset(" Reference"));
  }

  @Test
  void aFieldOverrideAfterAPresetNameIsRefusedNamingTheSection() throws IOException {
    Path file = dir.resolve("preset.yaml");
    Files.writeString(file, "augment:\n  diff: no_jitter\n");
    assertEquals(
        DiffAugmentConfig.noJitter(),
        Configs.load(PretrainConfig.defaults(), file, List.of()).augment().diff());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Configs.load(
                    PretrainConfig.defaults(), file, List.of("augment.diff.normalize=false")));
    assertEquals("augment.diff", e.field());
  }

  @Test
  void anUnknownPresetNamesTheFieldAndThePresets() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Configs.load(PretrainConfig.defaults(), null, List.of("augment.diff=jittery")));
    assertEquals("augment.diff", e.field());
    assertTrue(
        e.getMessage().contains("reference, no_jitter, shared_jitter, none"), e.getMessage());
  }
}
