package dev.fima.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fima.djl.train.MomentumSgd;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchGradientsCommandTest {

  @Test
  void findsExactlyTheParametersWhoseGradientIsNotFinite() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Linear linear = Linear.builder().setUnits(3).build();
      linear.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
      assertEquals(List.of(), BenchGradientsCommand.nonFiniteGradients(linear));
      // loss = sum(W x + b): dW = x per output row, db = 1. An infinite input reaches dW alone.
      backward(linear, manager.create(new float[] {1f, 2f}, new Shape(1, 2)));
      assertEquals(List.of(), BenchGradientsCommand.nonFiniteGradients(linear));
      backward(linear, manager.create(new float[] {1f, Float.POSITIVE_INFINITY}, new Shape(1, 2)));
      assertEquals(List.of("weight"), BenchGradientsCommand.nonFiniteGradients(linear));
    }
  }

  private static void backward(Linear linear, NDArray x) {
    try (NDManager step = x.getManager().newSubManager()) {
      x.attach(step);
      for (var p : linear.getParameters()) {
        MomentumSgd.zeroGradient(p.getValue().getArray());
      }
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = linear.forward(new ParameterStore(step, false), new NDList(x), true).head();
        collector.backward(y.sum());
      }
    }
  }
}
