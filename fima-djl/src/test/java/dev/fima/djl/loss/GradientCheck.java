package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Compares autograd gradients with central finite differences, in double precision. */
final class GradientCheck {

  private GradientCheck() {}

  /**
   * Asserts that the gradient of {@code f} with respect to each of the first {@code checked} inputs
   * matches central differences with step {@code h}.
   */
  static void assertMatches(
      NDManager manager,
      List<NDArray> inputs,
      int checked,
      Function<List<NDArray>, NDArray> f,
      double tolerance) {
    double h = 1e-6;
    List<double[]> analytic = new ArrayList<>();
    try (NDManager scope = manager.newSubManager()) {
      List<NDArray> leaves = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        NDArray copy = inputs.get(i).duplicate();
        copy.attach(scope);
        if (i < checked) {
          copy.setRequiresGradient(true);
        }
        leaves.add(copy);
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(f.apply(leaves));
      }
      for (int i = 0; i < checked; i++) {
        analytic.add(leaves.get(i).getGradient().toDoubleArray());
      }
    }
    double largest = 0;
    for (int i = 0; i < checked; i++) {
      double[] base = inputs.get(i).toDoubleArray();
      for (int e = 0; e < base.length; e++) {
        double numeric;
        try (NDManager scope = manager.newSubManager()) {
          numeric =
              (value(scope, inputs, i, base, e, h, f) - value(scope, inputs, i, base, e, -h, f))
                  / (2 * h);
        }
        double a = analytic.get(i)[e];
        largest = Math.max(largest, Math.abs(numeric));
        assertEquals(
            numeric, a, tolerance * Math.max(1, Math.abs(numeric)), "input " + i + " element " + e);
      }
    }
    // A check where every gradient is zero would pass trivially: the cases are chosen so it is not.
    assertTrue(largest > 1e-3, "the finite differences are all ~0: the check would be vacuous");
  }

  private static double value(
      NDManager scope,
      List<NDArray> inputs,
      int which,
      double[] base,
      int element,
      double delta,
      Function<List<NDArray>, NDArray> f) {
    double[] moved = base.clone();
    moved[element] += delta;
    List<NDArray> args = new ArrayList<>(inputs);
    args.set(which, scope.create(moved, inputs.get(which).getShape()));
    return f.apply(args).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }
}
