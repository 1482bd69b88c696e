package dev.fima.eval.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.ClipConfig;
import dev.fima.djl.backbone.BackboneArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryBackboneProviderTest {

  @TempDir Path dir;

  private static final ClipConfig CLIP = new ClipConfig(8, 1, 32, 2);
  private final RegistryBackboneProvider provider = new RegistryBackboneProvider();

  private static float[] pooled(OpenedBackbone b, NDArray x, NDManager m) {
    return b.block()
        .forward(new ParameterStore(m, false), new NDList(x), false)
        .get(1)
        .toFloatArray();
  }

  @Test
  void randomBackbonesAreSeededAndDescribed() {
    try (NDManager m = NDManager.newBaseManager()) {
      BackboneSpec spec = BackboneSpec.parse("backbone", "random:r3d-tiny");
      OpenedBackbone a = provider.open(spec, CLIP, m, 1);
      OpenedBackbone b = provider.open(spec, CLIP, m, 1);
      OpenedBackbone c = provider.open(spec, CLIP, m, 2);
      assertEquals(ParameterDigest.of(a.block()), ParameterDigest.of(b.block()));
      assertNotEquals(ParameterDigest.of(a.block()), ParameterDigest.of(c.block()));
      assertEquals("r3d-tiny", a.descriptor().get("architecture"));
      assertEquals(64, a.descriptor().get("featureChannels"));
      assertEquals("random, seed 1", a.descriptor().get("initialisation"));
      NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 8, 32, 32));
      assertEquals(128, pooled(a, x, m).length, "[2, 64] pooled features");
    }
  }

  @Test
  void exportThenLoadGivesIdenticalFeatures() {
    try (NDManager m = NDManager.newBaseManager()) {
      OpenedBackbone original =
          provider.open(BackboneSpec.parse("backbone", "random:r3d-tiny"), CLIP, m, 3);
      Path folder = dir.resolve("exported");
      provider.save(original.block(), folder, Map.of("pretraining", Map.of("method", "fima")));

      OpenedBackbone loaded =
          provider.open(BackboneSpec.parse("backbone", folder.toString()), CLIP, m, 99);
      NDArray x = m.randomUniform(0, 1, new Shape(3, 3, 8, 32, 32));
      assertArrayEquals(pooled(original, x, m), pooled(loaded, x, m));
      assertEquals(ParameterDigest.of(original.block()), ParameterDigest.of(loaded.block()));
      assertEquals(Map.of("method", "fima"), loaded.descriptor().get("pretraining"));
      assertEquals("8 frames, 32 px", loaded.descriptor().get("trainedOn"));
    }
  }

  @Test
  void aMismatchedExportIsRefusedNamingTheParameter() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      OpenedBackbone original =
          provider.open(BackboneSpec.parse("backbone", "random:r3d-tiny"), CLIP, m, 3);
      Path folder = dir.resolve("exported");
      provider.save(original.block(), folder, Map.of());
      Path json = folder.resolve(BackboneArchive.DESCRIPTOR_FILE);
      String descriptor = Files.readString(json);
      assertTrue(descriptor.contains("\"width\" : 1.0"), descriptor);

      // The descriptor now claims a half-width network: every parameter has another shape.
      Files.writeString(json, descriptor.replace("\"width\" : 1.0", "\"width\" : 0.5"));
      BackboneSpec spec = BackboneSpec.parse("backbone", folder.toString());
      DataException shape =
          assertThrows(DataException.class, () -> provider.open(spec, CLIP, m, 0));
      assertTrue(
          shape
              .getMessage()
              .contains(
                  "parameter 01body_01stem_01conv_weight has shape (8, 3, 3, 7, 7) in the file"
                      + " but (4, 3, 3, 7, 7) in the model"),
          shape.getMessage());

      // Another architecture: its parameter names differ.
      Files.writeString(
          json, descriptor.replace("\"name\" : \"r3d-tiny\"", "\"name\" : \"r2plus1d-tiny\""));
      DataException names =
          assertThrows(DataException.class, () -> provider.open(spec, CLIP, m, 0));
      assertTrue(
          names.getMessage().contains("parameter 01body_01stem_01spatial_weight"),
          names.getMessage());
      assertTrue(names.getMessage().contains("is missing from the file"), names.getMessage());
    }
  }

  @Test
  void anUnknownArchitectureNamesTheField() {
    try (NDManager m = NDManager.newBaseManager()) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> provider.open(BackboneSpec.parse("backbone", "random:r4d"), CLIP, m, 0));
      assertEquals("backbone.name", e.field());
      assertTrue(e.getMessage().contains("r3d-tiny"), "lists the known names: " + e.getMessage());
    }
  }
}
