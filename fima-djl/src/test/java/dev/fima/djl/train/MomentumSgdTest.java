package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MomentumSgdTest {

  static Parameter parameter(NDManager m, String name, float... values) {
    NDArray array = m.create(values);
    array.setRequiresGradient(true);
    return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optArray(array).build();
  }

  /** Runs backward of {@code sum(w * c)}, leaving {@code c} as w's gradient. */
  static void gradient(NDManager m, Parameter p, float... c) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(p.getArray().mul(m.create(c)).sum());
    }
  }

  @Test
  void followsPyTorchSgdWithCoupledWeightDecay() {
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd sgd = MomentumSgd.builder().optMomentum(0.9).optWeightDecays(0.01f).build(m)) {
      sgd.setLearningRate(0.1);
      NDArray w = m.create(new float[] {1, -2});
      sgd.update("w", w, m.create(new float[] {0.5f, 0.5f}));
      // d = g + 0.01 w = [0.51, 0.48]; buf = d; w = w - 0.1 buf = [0.949, -2.048]
      assertArrayEquals(new float[] {0.949f, -2.048f}, w.toFloatArray(), 1e-6f);
      sgd.update("w", w, m.create(new float[] {-1, 0}));
      // d = [-1 + 0.00949, -0.02048]; buf = 0.9 [0.51, 0.48] + d = [-0.53151, 0.41152];
      // w = [0.949 + 0.053151, -2.048 - 0.041152]
      assertArrayEquals(new float[] {1.002151f, -2.089152f}, w.toFloatArray(), 1e-6f);
    }
  }

  /**
   * The update is PyTorch's SGD bit for bit, computed here in Java's float arithmetic (IEEE single
   * precision, each operation rounded, as libtorch's element-wise kernels do): g = grad + wd w, buf
   * = g then m buf + g, w = w - lr buf, over steps that leave the weight and buffer at awkward
   * values, and with the update's own temporaries all closed.
   */
  @Test
  void updatesBitForBitAsTheFormulaInFloatArithmetic() {
    float wd = 1e-4f;
    float momentum = 0.9f;
    float lr = 0.03f;
    float[] w = {0.3141593f, -1.7320508f, 2.7182817f, 1e-3f};
    float[] buf = new float[w.length];
    float[][] grads = {
      {0.123457f, -0.987654f, 3.3333333f, 1e-7f},
      {-0.5f, 0.0333333f, -2.2222222f, 7.77777f},
      {1.1111111f, 0.4f, 0.0f, -0.1428571f}
    };
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd sgd =
            MomentumSgd.builder().optMomentum(momentum).optWeightDecays(wd).build(m)) {
      sgd.setLearningRate(lr);
      NDArray weight = m.create(w.clone());
      for (int step = 0; step < grads.length; step++) {
        int before = m.getManagedArrays().size();
        try (NDArray g = m.create(grads[step])) {
          sgd.update("w", weight, g);
        }
        // The first step keeps one array, the momentum buffer; no step keeps a temporary.
        assertEquals(
            before + (step == 0 ? 1 : 0),
            m.getManagedArrays().size(),
            "step " + step + " left arrays behind");
        for (int i = 0; i < w.length; i++) {
          float d = grads[step][i] + wd * w[i];
          buf[i] = step == 0 ? d : momentum * buf[i] + d;
          w[i] = w[i] - lr * buf[i];
        }
        assertArrayEquals(w, weight.toFloatArray(), 0f, "step " + step);
      }
    }
  }

  @Test
  void clearsTheGradientAfterTheUpdateAsDjlOptimizersDo() {
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd sgd = MomentumSgd.builder().optMomentum(0).build(m)) {
      sgd.setLearningRate(1);
      Parameter p = parameter(m, "w", 1, 1);
      gradient(m, p, 2, 3);
      try (NDArray g = p.getArray().getGradient()) {
        sgd.update(p.getId(), p.getArray(), g);
      }
      assertArrayEquals(new float[] {-1, -2}, p.getArray().toFloatArray());
      assertArrayEquals(new float[] {0, 0}, p.getArray().getGradient().toFloatArray());
    }
  }

  @Test
  void zeroingAlsoClearsNonFiniteAndScalarGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter p = parameter(m, "w", 1, 1);
      gradient(m, p, Float.NaN, Float.POSITIVE_INFINITY);
      MomentumSgd.zeroGradient(p.getArray());
      assertArrayEquals(new float[] {0, 0}, p.getArray().getGradient().toFloatArray());
      NDArray scalar = m.create(2f);
      scalar.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(scalar.mul(5f));
      }
      assertEquals(5f, scalar.getGradient().getFloat());
      MomentumSgd.zeroGradient(scalar);
      assertEquals(0f, scalar.getGradient().getFloat());
    }
  }

  /**
   * Saved state comes from decoded arrays whose memory is a Java buffer, freed after their manager
   * closes. DJL's {@code toDevice(sameDevice, true)} returns an alias, not a copy; a buffer kept
   * that way was later written after being freed and crashed the JVM. The restored buffer must own
   * its memory: writing to the saved array afterwards must not change it.
   */
  @Test
  void restoredMomentumOwnsItsMemory() {
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd sgd = MomentumSgd.builder().optMomentum(0.5).build(m)) {
      sgd.setLearningRate(1);
      Parameter p = parameter(m, "w", 0, 0);
      try (NDManager loading = m.newSubManager()) {
        NDArray saved = loading.create(new float[] {4, 8});
        saved.setName("w");
        sgd.restore(Map.of("w", p), new NDList(saved));
        saved.muli(0);
      }
      sgd.update(p.getId(), p.getArray(), m.create(new float[] {1, 1}));
      // buf = 0.5 [4, 8] + [1, 1] = [3, 5]; w = -buf (an alias would give buf = [1, 1])
      assertArrayEquals(new float[] {-3, -5}, p.getArray().toFloatArray(), 1e-6f);
    }
  }

  @Test
  void restoredMomentumContinuesExactly() {
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd a = MomentumSgd.builder().optMomentum(0.9).build(m);
        MomentumSgd b = MomentumSgd.builder().optMomentum(0.9).build(m)) {
      a.setLearningRate(0.5);
      b.setLearningRate(0.5);
      Parameter pa = parameter(m, "w", 1, 2);
      a.update(pa.getId(), pa.getArray(), m.create(new float[] {1, -1}));
      NDList state = a.state(Map.of("layer.w", pa), m);
      assertEquals("layer.w", state.get(0).getName());
      // A new process: another parameter object (another id) with the same name and values.
      Parameter pb = parameter(m, "w", pa.getArray().toFloatArray());
      b.restore(Map.of("layer.w", pb), state);
      a.update(pa.getId(), pa.getArray(), m.create(new float[] {2, 0}));
      b.update(pb.getId(), pb.getArray(), m.create(new float[] {2, 0}));
      assertArrayEquals(pa.getArray().toFloatArray(), pb.getArray().toFloatArray(), 0f);
      // Without the state the second update would differ: buf = g instead of 0.9 buf + g.
      assertArrayEquals(
          new float[] {1 - 0.5f - 0.5f * 2.9f, 2 + 0.5f - 0.5f * -0.9f},
          pb.getArray().toFloatArray(),
          1e-6f);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> b.restore(Map.of(), state));
      assertEquals(true, e.getMessage().contains("layer.w"), e.getMessage());
    }
  }
}
