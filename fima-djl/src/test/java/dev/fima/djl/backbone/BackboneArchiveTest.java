package dev.fima.djl.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.fima.api.DataException;
import dev.fima.api.config.BackboneConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneArchiveTest {

  @TempDir Path dir;

  private static final BackboneConfig TINY = new BackboneConfig("r3d-tiny", 1.0, List.of());

  private static NDList features(VideoBackbone net, NDManager m, NDArray clip) {
    return net.forward(new ParameterStore(m, false), new NDList(clip), false);
  }

  /** Trains nothing, but moves the running statistics off their defaults so they are checked. */
  private static VideoBackbone trainedTiny(NDManager m) {
    VideoBackbone net = Backbones.create(TINY);
    Backbones.initialize(net, m, 8, 32);
    net.forward(
        new ParameterStore(m, false),
        new NDList(m.randomUniform(0, 1, new Shape(2, 3, 8, 32, 32))),
        true);
    return net;
  }

  @Test
  void saveThenLoadGivesIdenticalFeatures() {
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone net = trainedTiny(m);
      Map<String, Object> extra = Map.of("method", "fima", "epochs", 3);
      BackboneDescriptor written = Backbones.save(net, BackboneInput.kinetics(8, 32), dir, extra);
      LoadedBackbone loaded = Backbones.load(dir, m);

      NDArray clip = m.randomUniform(0, 1, new Shape(2, 3, 8, 32, 32));
      NDList a = features(net, m, clip);
      NDList b = features(loaded.backbone(), m, clip);
      assertArrayEquals(a.get(0).toFloatArray(), b.get(0).toFloatArray());
      assertArrayEquals(a.get(1).toFloatArray(), b.get(1).toFloatArray());

      BackboneDescriptor read = loaded.descriptor();
      assertEquals(TINY, read.backbone());
      assertEquals(64, read.featureChannels());
      assertEquals(BackboneInput.kinetics(8, 32), read.input());
      assertEquals("fima", read.extra().get("method"));
      assertEquals(3, read.extra().get("epochs"));
      assertEquals(written.parametersSha256(), read.parametersSha256());
      assertEquals(written.parameters(), read.parameters());
    }
  }

  @Test
  void loadIntoAnExistingBackboneOverwritesItInPlace() {
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone source = trainedTiny(m);
      Backbones.save(source, dir, Map.of());
      VideoBackbone target = Backbones.create(TINY);
      Backbones.initialize(target, m, 8, 32);
      NDArray weightBefore = target.getParameters().get(0).getValue().getArray();
      Backbones.loadInto(dir, target);
      // Same array object (devices, gradient flags kept), new values.
      assertTrue(weightBefore == target.getParameters().get(0).getValue().getArray());
      NDArray clip = m.randomUniform(0, 1, new Shape(1, 3, 8, 32, 32));
      assertArrayEquals(
          features(source, m, clip).get(1).toFloatArray(),
          features(target, m, clip).get(1).toFloatArray());
      assertTrue(target.getParameters().get(0).getValue().getArray().hasGradient());
    }
  }

  @Test
  void aBackboneOfAnotherWidthIsRefusedNamingTheParameter() {
    try (NDManager m = NDManager.newBaseManager()) {
      Backbones.save(trainedTiny(m), dir, Map.of());
      VideoBackbone wider = Backbones.create(new BackboneConfig("r3d-tiny", 2.0, List.of()));
      Backbones.initialize(wider, m, 8, 32);
      float[] before = wider.getParameters().get(0).getValue().getArray().toFloatArray();
      DataException e = assertThrows(DataException.class, () -> Backbones.loadInto(dir, wider));
      assertTrue(
          e.getMessage()
              .contains("parameter 01body_01stem_01conv_weight has shape (8, 3, 3, 7, 7)"),
          e.getMessage());
      // Nothing was loaded.
      assertArrayEquals(before, wider.getParameters().get(0).getValue().getArray().toFloatArray());
    }
  }

  @Test
  void aDeeperBackboneIsRefusedNamingTheMissingParameter() {
    try (NDManager m = NDManager.newBaseManager()) {
      Backbones.save(trainedTiny(m), dir, Map.of());
      VideoBackbone deeper =
          Backbones.create(new BackboneConfig("r3d-tiny", 1.0, List.of(1, 1, 1, 2)));
      Backbones.initialize(deeper, m, 8, 32);
      DataException e = assertThrows(DataException.class, () -> Backbones.loadInto(dir, deeper));
      assertTrue(
          e.getMessage().contains("parameter 01body_05layer4_02block2_01conv1_weight"),
          e.getMessage());
      assertTrue(e.getMessage().contains("is missing from the file"), e.getMessage());
    }
  }

  @Test
  void aParametersFileFromAnotherExportIsRefused() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Path other = dir.resolve("other");
      Backbones.save(trainedTiny(m), dir, Map.of());
      Backbones.save(trainedTiny(m), other, Map.of());
      Files.copy(
          other.resolve(BackboneArchive.PARAMETERS_FILE),
          dir.resolve(BackboneArchive.PARAMETERS_FILE),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      DataException e = assertThrows(DataException.class, () -> Backbones.load(dir, m));
      assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }
  }

  @Test
  void rewritingLeavesOnlyTheExportsOwnFiles() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone net = trainedTiny(m);
      Backbones.save(net, dir, Map.of());
      Backbones.save(net, dir, Map.of("round", 2));
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(
            List.of(
                BackboneArchive.DESCRIPTOR_FILE,
                BackboneArchive.PARAMETERS_FILE,
                BackboneArchive.SERVING_PROPERTIES_FILE),
            files.map(p -> p.getFileName().toString()).sorted().toList());
      }
      assertEquals(2, Backbones.load(dir, m).descriptor().extra().get("round"));
    }
  }

  /**
   * Exports written before the one parameter format wrote {@code parameters.bin} in a format of
   * their own ({@code FIMA-PARAMS-1}, then a count, then each name followed by its array; their
   * descriptor records that file's SHA-256). Such a folder still loads, with the same features.
   */
  @Test
  void aBackboneExportedInTheEarlierFormatStillLoads() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone net = trainedTiny(m);
      Backbones.save(net, dir, Map.of());
      Path params = dir.resolve(BackboneArchive.PARAMETERS_FILE);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF("FIMA-PARAMS-1");
        out.writeInt(net.getParameters().size());
        for (Pair<String, Parameter> p : net.getParameters()) {
          out.writeUTF(p.getKey());
          out.write(p.getValue().getArray().encode());
        }
      }
      Files.write(params, bytes.toByteArray());
      Path json = dir.resolve(BackboneArchive.DESCRIPTOR_FILE);
      String descriptor = Files.readString(json);
      String sha = BackboneArchive.readDescriptor(dir).parametersSha256();
      Files.writeString(json, descriptor.replace(sha, sha256(bytes.toByteArray())));

      LoadedBackbone loaded = Backbones.load(dir, m);
      NDArray clip = m.randomUniform(0, 1, new Shape(2, 3, 8, 32, 32));
      assertArrayEquals(
          features(net, m, clip).get(0).toFloatArray(),
          features(loaded.backbone(), m, clip).get(0).toFloatArray());
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void extraFieldsMayNotShadowDescriptorFields() {
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone net = trainedTiny(m);
      assertThrows(
          IllegalArgumentException.class, () -> Backbones.save(net, dir, Map.of("input", 1)));
    }
  }

  @Test
  void aFolderWithoutExportIsNamed() {
    try (NDManager m = NDManager.newBaseManager()) {
      DataException e = assertThrows(DataException.class, () -> Backbones.load(dir, m));
      assertEquals(dir.resolve(BackboneArchive.DESCRIPTOR_FILE), e.path());
    }
  }
}
