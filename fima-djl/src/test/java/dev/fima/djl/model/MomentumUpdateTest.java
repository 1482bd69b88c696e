package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.fima.djl.backbone.ChannelBatchNorm;
import org.junit.jupiter.api.Test;

class MomentumUpdateTest {

  /** A head and a batch norm: weights, biases, gamma/beta and running statistics. */
  private static Block[] pair(NDManager m) {
    Block[] blocks = new Block[2];
    for (int i = 0; i < 2; i++) {
      blocks[i] =
          new BlockGroup()
              .add("head", new ProjectionHead(2, 3, 2))
              .add("bn", new ChannelBatchNorm());
    }
    for (Block b : blocks) {
      for (var child : b.getChildren().values()) {
        child.initialize(m, DataType.FLOAT32, new Shape(1, 2));
      }
      b.initialize(m, DataType.FLOAT32, new Shape(1, 2));
    }
    return blocks;
  }

  private static void fill(Block block, float value) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      p.getValue().getArray().muli(0).addi(value);
    }
  }

  @Test
  void keyMovesTowardsQueryByOneMinusMomentum() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block[] qk = pair(m);
      MomentumUpdate.copyAndFreeze(qk[0], qk[1]);
      fill(qk[0], 3f);
      fill(qk[1], 1f);
      MomentumUpdate.update(qk[0], qk[1], 0.9);
      // 0.9 * 1 + 0.1 * 3 = 1.2 for every trained value; running statistics stay at 1.
      for (Pair<String, Parameter> p : qk[1].getParameters()) {
        Parameter.Type type = p.getValue().getType();
        boolean statistic =
            type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR;
        float[] values = p.getValue().getArray().toFloatArray();
        float[] expected = new float[values.length];
        java.util.Arrays.fill(expected, statistic ? 1f : 1.2f);
        assertArrayEquals(expected, values, 1e-6f, p.getKey());
      }
      MomentumUpdate.update(qk[0], qk[1], 0.5);
      // 0.5 * 1.2 + 0.5 * 3 = 2.1
      assertArrayEquals(
          new float[] {2.1f, 2.1f, 2.1f},
          qk[1].getParameters().get(1).getValue().getArray().toFloatArray(),
          1e-6f);
    }
  }

  @Test
  void copyMakesTheKeyEqualAndFrozen() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block[] qk = pair(m);
      MomentumUpdate.copyAndFreeze(qk[0], qk[1]);
      var q = qk[0].getParameters();
      var k = qk[1].getParameters();
      for (int i = 0; i < q.size(); i++) {
        assertArrayEquals(
            q.get(i).getValue().getArray().toFloatArray(),
            k.get(i).getValue().getArray().toFloatArray());
        assertFalse(k.get(i).getValue().requiresGradient());
      }
    }
  }

  @Test
  void anUpdateInsideAGradientCollectorKeepsTheKeyOutOfAutograd() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block[] qk = pair(m);
      MomentumUpdate.copyAndFreeze(qk[0], qk[1]);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        MomentumUpdate.update(qk[0], qk[1], 0.99);
      }
      for (Pair<String, Parameter> p : qk[1].getParameters()) {
        assertFalse(p.getValue().getArray().hasGradient(), p.getKey());
      }
    }
  }
}
