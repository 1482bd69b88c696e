package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrossAttentionTest {

  /**
   * The attention scale once was {@code q.mul(number)}: DJL frees that number's Java buffer while
   * autograd keeps it, so a garbage collection between forward and backward made the query
   * gradients garbage (a NaN gradient norm on the first pretraining step). The gradient must not
   * depend on what the collector does in between.
   */
  @Test
  void queryGradientSurvivesGarbageCollectionBeforeBackward() throws InterruptedException {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      CrossAttention attention = new CrossAttention(8, 2, 0f);
      attention.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8), new Shape(1, 4, 8));
      NDArray tokens = m.randomNormal(new Shape(1, 3, 8));
      NDArray memory = m.randomNormal(new Shape(1, 4, 8));
      float[] calm = tokenGradient(m, attention, tokens, memory, false);
      float[] disturbed = tokenGradient(m, attention, tokens, memory, true);
      assertTrue(new NDList(m.create(calm)).head().abs().sum().getFloat() > 0);
      assertArrayEquals(calm, disturbed, 1e-6f);
    }
  }

  private static float[] tokenGradient(
      NDManager parent, CrossAttention attention, NDArray tokens, NDArray memory, boolean churn)
      throws InterruptedException {
    try (NDManager m = parent.newSubManager()) {
      NDArray x = tokens.duplicate();
      x.attach(m);
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out =
            attention
                .forward(new ParameterStore(m, false), new NDList(x, memory), true)
                .singletonOrThrow();
        NDArray loss = out.square().sum();
        if (churn) {
          System.gc();
          Thread.sleep(20);
          List<ByteBuffer> reuse = new ArrayList<>();
          for (int i = 0; i < 2000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            b.putFloat(0, Float.NaN);
            reuse.add(b);
          }
          assertTrue(reuse.size() == 2000);
        }
        gc.backward(loss);
      }
      return x.getGradient().toFloatArray();
    }
  }
}
