package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClippingParameterServerTest {

  @Test
  void clipsTheGlobalNormOverAllParameters() {
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd sgd = MomentumSgd.builder().optMomentum(0).build(m)) {
      sgd.setLearningRate(1);
      Parameter a = MomentumSgdTest.parameter(m, "a", 0, 0);
      Parameter b = MomentumSgdTest.parameter(m, "b", 0);
      MomentumSgdTest.gradient(m, a, 3, 4);
      MomentumSgdTest.gradient(m, b, 12);
      // Global norm sqrt(9 + 16 + 144) = 13; clipping to 6.5 halves every gradient.
      ClippingParameterServer server = new ClippingParameterServer(sgd, 6.5);
      server.update(a.getId(), new NDArray[] {a.getArray()});
      server.update(b.getId(), new NDArray[] {b.getArray()});
      assertEquals(13.0, server.finishStep(), 1e-5);
      assertArrayEquals(new float[] {-1.5f, -2f}, a.getArray().toFloatArray(), 1e-5f);
      assertArrayEquals(new float[] {-6f}, b.getArray().toFloatArray(), 1e-5f);
      assertArrayEquals(new float[] {0, 0}, a.getArray().getGradient().toFloatArray());
    }
  }

  @Test
  void leavesSmallGradientsAndUnclippedRunsAlone() {
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd sgd = MomentumSgd.builder().optMomentum(0).build(m)) {
      sgd.setLearningRate(1);
      Parameter a = MomentumSgdTest.parameter(m, "a", 0, 0);
      MomentumSgdTest.gradient(m, a, 3, 4);
      ClippingParameterServer server = new ClippingParameterServer(sgd, 0);
      server.update(a.getId(), new NDArray[] {a.getArray()});
      assertEquals(5.0, server.finishStep(), 1e-6);
      assertArrayEquals(new float[] {-3, -4}, a.getArray().toFloatArray(), 1e-6f);
    }
  }

  @Test
  void discardsAStepWhoseGradientIsNotFinite() {
    try (NDManager m = NDManager.newBaseManager();
        MomentumSgd sgd = MomentumSgd.builder().optMomentum(0).build(m)) {
      sgd.setLearningRate(1);
      Parameter a = MomentumSgdTest.parameter(m, "a", 1, 1);
      Parameter b = MomentumSgdTest.parameter(m, "b", 1);
      MomentumSgdTest.gradient(m, a, 1, Float.NaN);
      MomentumSgdTest.gradient(m, b, 2);
      ClippingParameterServer server = new ClippingParameterServer(sgd, 1);
      server.update(a.getId(), new NDArray[] {a.getArray()});
      server.update(b.getId(), new NDArray[] {b.getArray()});
      int before = m.getManagedArrays().size();
      assertTrue(Double.isNaN(server.finishStep()));
      assertEquals(List.of(a.getId()), server.lastNonFiniteParameters());
      // The search for the non-finite gradient left nothing in the parameters' manager.
      assertEquals(before, m.getManagedArrays().size());
      assertArrayEquals(new float[] {1, 1}, a.getArray().toFloatArray());
      assertArrayEquals(new float[] {1}, b.getArray().toFloatArray());
      assertArrayEquals(new float[] {0, 0}, a.getArray().getGradient().toFloatArray());
      assertArrayEquals(new float[] {0}, b.getArray().getGradient().toFloatArray());
    }
  }
}
