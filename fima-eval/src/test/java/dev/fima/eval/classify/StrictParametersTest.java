package dev.fima.eval.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.fima.api.DataException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictParametersTest {

  @TempDir Path dir;

  private static Block linear(NDManager m, int in, int out) {
    Linear l = Linear.builder().setUnits(out).build();
    l.initialize(m, DataType.FLOAT32, new Shape(1, in));
    return l;
  }

  @Test
  void roundTripsValuesIntoAnInitialisedBlock() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block a = linear(m, 4, 3);
      Block b = linear(m, 4, 3);
      Path file = dir.resolve("head.params");
      StrictParameters.save(a, file);
      StrictParameters.load(b, file, m);
      assertArrayEquals(
          a.getParameters().get("weight").getArray().toFloatArray(),
          b.getParameters().get("weight").getArray().toFloatArray());
      assertArrayEquals(
          a.getParameters().get("bias").getArray().toFloatArray(),
          b.getParameters().get("bias").getArray().toFloatArray());
    }
  }

  @Test
  void aMismatchNamesTheParameterAndTheFile() {
    try (NDManager m = NDManager.newBaseManager()) {
      Path file = dir.resolve("head.params");
      StrictParameters.save(linear(m, 4, 3), file);

      DataException shape =
          assertThrows(DataException.class, () -> StrictParameters.load(linear(m, 4, 5), file, m));
      assertTrue(shape.getMessage().startsWith(file.toString()), shape.getMessage());
      assertTrue(
          shape.getMessage().contains("parameter weight has shape (3, 4) in the file but (5, 4)"),
          shape.getMessage());

      SequentialBlock two = new SequentialBlock().add(Linear.builder().setUnits(3).build());
      two.add(Linear.builder().setUnits(2).build());
      two.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      DataException missing =
          assertThrows(DataException.class, () -> StrictParameters.load(two, file, m));
      assertTrue(missing.getMessage().contains("01Linear_bias is missing"), missing.getMessage());

      Linear noBias = Linear.builder().setUnits(3).optBias(false).build();
      noBias.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      DataException extra =
          assertThrows(DataException.class, () -> StrictParameters.load(noBias, file, m));
      assertTrue(extra.getMessage().contains("unexpected parameter bias"), extra.getMessage());
    }
  }
}
