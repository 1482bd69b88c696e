package dev.fima.eval.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import dev.fima.api.config.BackboneConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneSpecTest {

  @TempDir Path dir;

  @Test
  void parsesRandomSpecsWithOptions() {
    BackboneSpec plain = BackboneSpec.parse("backbone", "random:r3d-18");
    assertTrue(plain.isRandom());
    assertEquals("r3d-18", plain.random().name());
    assertEquals(1.0, plain.random().width());
    assertEquals(List.of(), plain.random().blocks());

    BackboneSpec small = BackboneSpec.parse("backbone", "random:r3d-18?width=0.25&blocks=1,1,2,1");
    assertEquals(0.25, small.random().width());
    assertEquals(List.of(1, 1, 2, 1), small.random().blocks());
  }

  @Test
  void aRandomSpecWrittenFromAConfigurationParsesBackToIt() {
    BackboneConfig variant = new BackboneConfig("r3d-tiny", 0.5, List.of(1, 1, 1, 1), 2);
    String text = BackboneSpec.randomText(variant);
    assertEquals("random:r3d-tiny?width=0.5&blocks=1,1,1,1&temporalStride=2", text);
    assertEquals(variant, BackboneSpec.parse("backbone", text).random());
    assertEquals("random:r3d-18?width=1.0", BackboneSpec.randomText(BackboneConfig.defaults()));
  }

  @Test
  void parsesAFolder() {
    BackboneSpec s = BackboneSpec.parse("backbone", dir.toString());
    assertFalse(s.isRandom());
    assertEquals(dir, s.folder());
    assertNull(s.random());
  }

  @Test
  void errorsNameTheField() {
    ConfigException missing =
        assertThrows(ConfigException.class, () -> BackboneSpec.parse("backbone", null));
    assertEquals("backbone", missing.field());
    ConfigException noFolder =
        assertThrows(
            ConfigException.class,
            () -> BackboneSpec.parse("backbone", dir.resolve("nope").toString()));
    assertTrue(
        noFolder.getMessage().contains("no exported backbone folder"), noFolder.getMessage());
    ConfigException badWidth =
        assertThrows(
            ConfigException.class, () -> BackboneSpec.parse("backbone", "random:i3d?width=9"));
    assertEquals("backbone.width", badWidth.field());
    ConfigException badOption =
        assertThrows(
            ConfigException.class, () -> BackboneSpec.parse("backbone", "random:i3d?depth=3"));
    assertTrue(badOption.getMessage().contains("unknown option 'depth'"));
  }
}
