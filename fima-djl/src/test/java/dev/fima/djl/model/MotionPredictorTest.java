package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.PositionalEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MotionPredictorTest {

  /** The reference hard-codes T' = 2 and at most 100 tokens; here any T' and grid work. */
  @ParameterizedTest(name = "T'={0} grid {1}x{2} {3}")
  @CsvSource({
    "1, 1, 1, SINE_1D",
    "2, 7, 7, SINE_1D",
    "3, 3, 5, SINE_2D",
    "2, 14, 14, SINE_1D",
    "4, 11, 11, SINE_2D"
  })
  void classTokenAndEveryPositionComeOutForAnyGrid(
      int slices, int h, int w, PositionalEncoding pe) {
    try (NDManager m = NDManager.newBaseManager()) {
      int b = 2;
      int c = 6;
      MotionPredictor predictor = new MotionPredictor(c, 8, 2, 2, 16, 0.1f, pe);
      Shape map = new Shape(b, c, slices, h, w);
      predictor.initialize(m, DataType.FLOAT32, map, map);
      NDArray out =
          predictor
              .forward(
                  new ParameterStore(m, false),
                  new NDList(m.randomNormal(map), m.randomNormal(map)),
                  true)
              .singletonOrThrow();
      // [direction, slice, sample, class token + h*w positions, channels]
      assertEquals(new Shape(2, slices, b, 1 + h * w, c), out.getShape());
      assertEquals(out.getShape(), predictor.getOutputShapes(new Shape[] {map, map})[0]);
    }
  }

  /**
   * Without self-attention each output depends only on its own token and the memory: changing one
   * query-side cell of m changes that cell's prediction of n and nothing else in direction 0, and
   * the class token's output (which sees only n's memory) not at all.
   */
  @Test
  void eachPositionDependsOnlyOnItsOwnTokenAndTheMemory() {
    try (NDManager m = NDManager.newBaseManager()) {
      int c = 4;
      MotionPredictor predictor =
          new MotionPredictor(c, 8, 2, 2, 16, 0f, PositionalEncoding.SINE_1D);
      Shape map = new Shape(1, c, 1, 2, 2);
      predictor.initialize(m, DataType.FLOAT32, map, map);
      ParameterStore ps = new ParameterStore(m, false);
      NDArray mapM = m.randomNormal(map);
      NDArray mapN = m.randomNormal(map);
      NDArray before = predictor.forward(ps, new NDList(mapM, mapN), false).singletonOrThrow();
      NDArray changedM = mapM.duplicate();
      changedM.set(new NDIndex(":, :, :, 1, 0"), 5f); // raster position 2
      NDArray after = predictor.forward(ps, new NDList(changedM, mapN), false).singletonOrThrow();
      NDArray delta = after.sub(before).abs().get(0, 0, 0).sum(new int[] {1}); // direction 0
      float[] perToken = delta.toFloatArray(); // class token, positions 0..3
      assertEquals(0f, perToken[0], 1e-6f);
      assertEquals(0f, perToken[1], 1e-6f);
      assertEquals(0f, perToken[2], 1e-6f);
      assertTrue(perToken[3] > 1e-4f, "the changed position moves: " + perToken[3]);
      assertEquals(0f, perToken[4], 1e-6f);
    }
  }

  @Test
  void sineTablesFollowTheReferenceFormula() {
    // 1-D: position p, channel 2i -> sin(p / 10000^(2i/d)), 2i+1 -> cos of the same.
    float[] t = SinePositionalEncoding.table(PositionalEncoding.SINE_1D, 2, 3, 4);
    int p = 4; // row 1, column 1
    assertArrayEquals(
        new float[] {
          (float) Math.sin(p),
          (float) Math.cos(p),
          (float) Math.sin(p / 100.0),
          (float) Math.cos(p / 100.0)
        },
        java.util.Arrays.copyOfRange(t, p * 4, p * 4 + 4),
        1e-6f);
    // 2-D: first half encodes the row (1), second half the column (2), each with d/2 channels.
    float[] t2 = SinePositionalEncoding.table(PositionalEncoding.SINE_2D, 2, 3, 4);
    assertArrayEquals(
        new float[] {
          (float) Math.sin(1), (float) Math.cos(1), (float) Math.sin(2), (float) Math.cos(2)
        },
        java.util.Arrays.copyOfRange(t2, 5 * 4, 5 * 4 + 4),
        1e-6f);
  }
}
