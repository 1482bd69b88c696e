package dev.fima.djl.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** The reference I3D's static "SAME" padding and ceil-mode pools, on hand-made inputs. */
class SamePaddingTest {

  @Test
  void tfSameSplitsKernelMinusStrideSmallerHalfFirst() {
    Padding3d stem = Padding3d.tfSame(new int[] {7, 7, 7}, new int[] {2, 2, 2});
    assertArrayEquals(new int[] {2, 2, 2}, stem.before());
    assertArrayEquals(new int[] {3, 3, 3}, stem.after());
    Padding3d pool = Padding3d.tfSame(new int[] {1, 3, 3}, new int[] {1, 2, 2});
    assertArrayEquals(new int[] {0, 0, 0}, pool.before());
    assertArrayEquals(new int[] {0, 1, 1}, pool.after());
    assertEquals(
        new Shape(1, 1, 1),
        Padding3d.tfSame(new int[] {3, 3, 3}, new int[] {1, 1, 1}).symmetricShape());
  }

  /**
   * A 1x1x1x4x4 all-ones input through a 1x3x3 stride-2 convolution of all-ones weights with pad
   * (0, 1) on H and W: each output sums the ones its window covers. Windows start at 0 and 2; the
   * second one hangs one cell into the trailing pad, so it covers 2 rows (or columns) not 3.
   */
  @Test
  void asymmetricPaddingPadsOnlyAfter() {
    try (NDManager m = NDManager.newBaseManager()) {
      int[] kernel = {1, 3, 3};
      int[] stride = {1, 2, 2};
      ConvUnit conv =
          new ConvUnit(
              1,
              kernel,
              stride,
              Padding3d.tfSame(kernel, stride),
              false,
              false,
              ConvInit.TORCH_DEFAULT);
      Shape in = new Shape(1, 1, 1, 4, 4);
      conv.initialize(m, DataType.FLOAT32, in);
      conv.getParameters().get(0).getValue().getArray().muli(0).addi(1);
      NDArray out =
          conv.forward(new ParameterStore(m, false), new NDList(m.ones(in)), false)
              .singletonOrThrow();
      assertEquals(new Shape(1, 1, 1, 2, 2), out.getShape());
      assertArrayEquals(new float[] {9, 6, 6, 4}, out.toFloatArray());
    }
  }

  /**
   * A 7x7 grid through the 2x2 stride-2 pool (no padding) rounds up to 4x4: the last window holds
   * only the seventh row and column. Values are row * 7 + column, so each window's max is its
   * bottom-right covered cell.
   */
  @Test
  void ceilModePoolKeepsTheLastPartialWindow() {
    try (NDManager m = NDManager.newBaseManager()) {
      SameMaxPool3d pool = new SameMaxPool3d(new int[] {1, 2, 2}, new int[] {1, 2, 2});
      NDArray grid = m.arange(49f).reshape(1, 1, 1, 7, 7);
      NDArray out =
          pool.forward(new ParameterStore(m, false), new NDList(grid), false).singletonOrThrow();
      assertEquals(new Shape(1, 1, 1, 4, 4), out.getShape());
      assertEquals(out.getShape(), pool.getOutputShapes(new Shape[] {grid.getShape()})[0]);
      assertArrayEquals(
          new float[] {8, 10, 12, 13, 22, 24, 26, 27, 36, 38, 40, 41, 43, 45, 47, 48},
          out.toFloatArray());
    }
  }

  /**
   * The inception branch's 3x3x3 stride-1 pool pads one cell on every side; on non-negative inputs
   * the pool's own padding gives what zero padding gives. On one 3x4 frame holding 0..11 each
   * output is the largest value of its 3x3 neighbourhood, clipped at the border (padding never
   * wins, as no value is below 0).
   */
  @Test
  void symmetricPoolMatchesZeroPaddingOnNonNegativeInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      SameMaxPool3d pool = new SameMaxPool3d(new int[] {3, 3, 3}, new int[] {1, 1, 1});
      NDArray grid = m.arange(12f).reshape(1, 1, 1, 3, 4); // 0..11, one frame
      NDArray out =
          pool.forward(new ParameterStore(m, false), new NDList(grid), false).singletonOrThrow();
      assertEquals(grid.getShape(), out.getShape());
      assertArrayEquals(new float[] {5, 6, 7, 7, 9, 10, 11, 11, 9, 10, 11, 11}, out.toFloatArray());
    }
  }

  /** The 3x3 stride-2 pool pads one zero after: at the border the zero competes with negatives. */
  @Test
  void poolPadsWithZerosAfterTheInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      SameMaxPool3d pool = new SameMaxPool3d(new int[] {1, 3, 3}, new int[] {1, 2, 2});
      NDArray grid = m.full(new Shape(1, 1, 1, 4, 4), -1f);
      NDArray out =
          pool.forward(new ParameterStore(m, false), new NDList(grid), false).singletonOrThrow();
      // Window (0,0) covers only inputs; the others reach the zero padding.
      assertArrayEquals(new float[] {-1, 0, 0, 0}, out.toFloatArray());
    }
  }
}
