package dev.fima.eval.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.fima.api.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterFilesTest {

  @TempDir Path dir;

  private static Block linear(NDManager m, int in, int out, boolean bias) {
    Linear l = Linear.builder().setUnits(out).optBias(bias).build();
    l.initialize(m, DataType.FLOAT32, new Shape(1, in));
    return l;
  }

  @Test
  void roundTripsValuesIntoAnInitialisedBlock() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Block a = linear(m, 4, 3, true);
      Block b = linear(m, 4, 3, true);
      Path file = dir.resolve("head.params");
      ParameterFiles.save(a, file, m);
      ParameterFiles.load(b, file, m);
      assertArrayEquals(
          a.getParameters().get("weight").getArray().toFloatArray(),
          b.getParameters().get("weight").getArray().toFloatArray());
      assertArrayEquals(
          a.getParameters().get("bias").getArray().toFloatArray(),
          b.getParameters().get("bias").getArray().toFloatArray());
    }
  }

  @Test
  void aMismatchNamesTheParameterAndTheFileAndChangesNothing() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Path file = dir.resolve("head.params");
      ParameterFiles.save(linear(m, 4, 3, true), file, m);

      Block wider = linear(m, 4, 5, true);
      float[] before = wider.getParameters().get("bias").getArray().toFloatArray();
      DataException shape =
          assertThrows(DataException.class, () -> ParameterFiles.load(wider, file, m));
      assertTrue(shape.getMessage().startsWith(file.toString()), shape.getMessage());
      assertTrue(shape.getMessage().contains("parameter weight is (3, 4) in the file but (5, 4)"));
      assertArrayEquals(before, wider.getParameters().get("bias").getArray().toFloatArray());

      DataException extra =
          assertThrows(
              DataException.class, () -> ParameterFiles.load(linear(m, 4, 3, false), file, m));
      assertTrue(extra.getMessage().contains("has parameter bias, which the model lacks"));

      Path noBias = dir.resolve("nobias.params");
      ParameterFiles.save(linear(m, 4, 3, false), noBias, m);
      DataException missing =
          assertThrows(
              DataException.class, () -> ParameterFiles.load(linear(m, 4, 3, true), noBias, m));
      assertTrue(missing.getMessage().contains("has no parameter bias"), missing.getMessage());

      Path garbage = dir.resolve("garbage.params");
      Files.writeString(garbage, "not parameters");
      assertThrows(
          DataException.class, () -> ParameterFiles.load(linear(m, 4, 3, true), garbage, m));
    }
  }
}
