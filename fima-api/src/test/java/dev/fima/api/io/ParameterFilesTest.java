package dev.fima.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.fima.api.DataException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterFilesTest {

  @TempDir Path dir;

  private static Block linear(NDManager m, int in, int out, boolean bias) {
    Linear l = Linear.builder().setUnits(out).optBias(bias).build();
    l.initialize(m, DataType.FLOAT32, new Shape(1, in));
    return l;
  }

  private static float[] values(Block block, String name) {
    return block.getParameters().get(name).getArray().toFloatArray();
  }

  @Test
  void roundTripsValuesIntoAnInitialisedBlock() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Block a = linear(m, 4, 3, true);
      Block b = linear(m, 4, 3, true);
      Path file = dir.resolve("head.params");
      String sha = ParameterFiles.save(a, file, m);
      assertEquals(HexFormat.of().formatHex(sha256(Files.readAllBytes(file))), sha);
      ParameterFiles.load(b, file, m);
      assertArrayEquals(values(a, "weight"), values(b, "weight"));
      assertArrayEquals(values(a, "bias"), values(b, "bias"));

      NDList read = ParameterFiles.read(file, m);
      assertEquals("weight", read.get(0).getName());
      assertEquals(new Shape(3, 4), read.get(0).getShape());
      assertEquals("bias", read.get(1).getName());
    }
  }

  @Test
  void aMismatchNamesTheParameterAndTheFileAndChangesNothing() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Path file = dir.resolve("head.params");
      ParameterFiles.save(linear(m, 4, 3, true), file, m);

      Block wider = linear(m, 4, 5, true);
      float[] before = values(wider, "bias");
      DataException shape =
          assertThrows(DataException.class, () -> ParameterFiles.load(wider, file, m));
      assertEquals(
          file
              + ": parameter weight has shape (3, 4) in the file but (5, 4) in the model (another"
              + " architecture or width?)",
          shape.getMessage());
      assertArrayEquals(before, values(wider, "bias"));

      DataException extra =
          assertThrows(
              DataException.class, () -> ParameterFiles.load(linear(m, 4, 3, false), file, m));
      assertEquals(
          file
              + ": parameter bias in the file does not exist in the model (another"
              + " architecture?)",
          extra.getMessage());

      Path noBias = dir.resolve("nobias.params");
      ParameterFiles.save(linear(m, 4, 3, false), noBias, m);
      DataException missing =
          assertThrows(
              DataException.class, () -> ParameterFiles.load(linear(m, 4, 3, true), noBias, m));
      assertEquals(
          noBias + ": parameter bias (3) is missing from the file (another architecture?)",
          missing.getMessage());
    }
  }

  @Test
  void aFileOfAnotherKindIsNamedAsSuchNotAsTruncated() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Path text = dir.resolve("garbage.params");
      Files.writeString(text, "not parameters");
      DataException e =
          assertThrows(
              DataException.class, () -> ParameterFiles.load(linear(m, 4, 3, true), text, m));
      assertEquals(text + ": is not a FIMA-J parameter file", e.getMessage());

      // A plausible count, then something that is not an array.
      Path counted = dir.resolve("counted.params");
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(counted))) {
        out.writeInt(2);
        out.writeUTF("weight");
      }
      DataException c = assertThrows(DataException.class, () -> ParameterFiles.read(counted, m));
      assertEquals(counted + ": is not a FIMA-J parameter file", c.getMessage());

      DataException none =
          assertThrows(DataException.class, () -> ParameterFiles.read(dir.resolve("none"), m));
      assertEquals(dir.resolve("none") + ": is missing", none.getMessage());
    }
  }

  @Test
  void aTruncatedFileIsNamedWithItsSizeAndTheSizeItShouldHave() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Path file = dir.resolve("head.params");
      ParameterFiles.save(linear(m, 4, 3, true), file, m);
      long full = Files.size(file);
      for (long size : new long[] {full - 1, 30, 0}) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.truncate(size);
        }
        Block target = linear(m, 4, 3, true);
        DataException e =
            assertThrows(DataException.class, () -> ParameterFiles.load(target, file, m));
        assertEquals(
            file
                + ": is truncated: it has "
                + size
                + " bytes, the parameters of this model take "
                + full
                + " (an interrupted copy or write?); copy or write it again",
            e.getMessage());
      }
    }
  }

  @Test
  void aChecksumThatDiffersIsRefusedBeforeAnythingIsLoaded() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Path file = dir.resolve("parameters.bin");
      String sha = ParameterFiles.save(linear(m, 4, 3, true), file, m);
      ParameterFiles.save(linear(m, 4, 3, true), file, m);
      Block target = linear(m, 4, 3, true);
      float[] before = values(target, "weight");
      DataException e =
          assertThrows(
              DataException.class,
              () -> ParameterFiles.load(target, file, m, sha, ParameterFiles.Origin.EXPORT));
      assertTrue(e.getMessage().startsWith(file + ": checksum differs"), e.getMessage());
      assertArrayEquals(before, values(target, "weight"));
    }
  }

  /**
   * Backbones exported before the one format wrote {@code FIMA-PARAMS-1}: the tag, a count, then
   * each name followed by its array. Such a file still loads, and its checksum still holds.
   */
  @Test
  void aFileOfTheEarlierExportFormatStillLoads() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Block saved = linear(m, 4, 3, true);
      Path file = dir.resolve("parameters.bin");
      try (OutputStream raw = Files.newOutputStream(file);
          DataOutputStream out = new DataOutputStream(raw)) {
        out.writeUTF("FIMA-PARAMS-1");
        out.writeInt(saved.getParameters().size());
        for (Pair<String, Parameter> p : saved.getParameters()) {
          out.writeUTF(p.getKey());
          out.write(p.getValue().getArray().encode());
        }
      }
      String sha = HexFormat.of().formatHex(sha256(Files.readAllBytes(file)));
      Block target = linear(m, 4, 3, true);
      ParameterFiles.load(target, file, m, sha, ParameterFiles.Origin.EXPORT);
      assertArrayEquals(values(saved, "weight"), values(target, "weight"));
      assertArrayEquals(values(saved, "bias"), values(target, "bias"));

      long full = Files.size(file);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(full - 3);
      }
      DataException e =
          assertThrows(
              DataException.class,
              () -> ParameterFiles.load(target, file, m, null, ParameterFiles.Origin.EXPORT));
      assertEquals(
          file
              + ": is truncated: it has "
              + (full - 3)
              + " bytes, the parameters of this backbone take "
              + full
              + " (an interrupted copy or export?); copy or export it again",
          e.getMessage());
    }
  }

  @Test
  void namedArraysOfAnyKindRoundTrip() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray queue = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      queue.setName("instance");
      NDArray pointer = m.create(new long[] {7});
      pointer.setName("instance.pointer");
      Path file = dir.resolve("queues.ndlist");
      ParameterFiles.write(file, new NDList(queue, pointer));
      NDList back = ParameterFiles.read(file, m);
      assertEquals("instance", back.get(0).getName());
      assertArrayEquals(new float[] {1, 2, 3, 4}, back.get(0).toFloatArray());
      assertEquals("instance.pointer", back.get(1).getName());
      assertArrayEquals(new long[] {7}, back.get(1).toLongArray());
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
