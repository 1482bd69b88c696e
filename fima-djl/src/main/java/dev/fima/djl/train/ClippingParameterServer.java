package dev.fima.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterServer;
import ai.djl.training.optimizer.Optimizer;
import dev.fima.djl.nd.StepPhases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parameter server that applies one optimiser step to all parameters at once, so that the global
 * gradient norm is known before any parameter moves: the norm over every trained parameter (after
 * summing the copies of several devices) is measured, the gradients are scaled down to {@code
 * maxNorm} when they exceed it (as PyTorch's {@code clip_grad_norm_}), and a step whose norm is not
 * finite is discarded.
 *
 * <p>The optimiser clears each gradient after its update, as DJL's PyTorch optimisers and {@link
 * MomentumSgd} do. Use it with DJL's {@link ai.djl.training.ParameterStore}: {@code
 * updateAllParameters()} only registers the parameters here, {@link #finishStep} does the update.
 * Call {@link #finishStep} or {@link #discardStep} once per step.
 */
public final class ClippingParameterServer implements ParameterServer {

  private final Optimizer optimizer;
  private final double maxNorm;
  private final Map<String, NDArray[]> pending = new LinkedHashMap<>();
  private List<String> nonFinite = List.of();

  /**
   * Creates the server.
   *
   * @param optimizer the optimiser applied to each parameter
   * @param maxNorm clip the global gradient norm to this value; 0 disables clipping
   */
  public ClippingParameterServer(Optimizer optimizer, double maxNorm) {
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
    }
    this.optimizer = optimizer;
    this.maxNorm = maxNorm;
  }

  @Override
  public void init(String parameterId, NDArray[] value) {}

  /** Registers a parameter's copies for the next {@link #finishStep}. */
  @Override
  public void update(String parameterId, NDArray[] params) {
    pending.put(parameterId, params);
  }

  /** Registers a parameter with explicit gradients; not used by this server's callers. */
  @Override
  public void update(String parameterId, NDArray[] grads, NDArray[] params) {
    throw new UnsupportedOperationException(
        "ClippingParameterServer reads gradients from the parameters themselves");
  }

  /**
   * Applies the optimiser to every registered parameter: sums each parameter's device gradients on
   * its first device, measures the global norm, clips, updates every copy and clears the gradients.
   * When the norm is not finite nothing is updated and the gradients are cleared.
   *
   * @return the global gradient norm before clipping (NaN or infinite when the step was discarded)
   */
  public double finishStep() {
    return finishStep(null);
  }

  /**
   * Combines the gradients of a step with those of other processes, between their sum over this
   * process's devices and the norm: a data-parallel run averages them over its ranks here.
   */
  @FunctionalInterface
  public interface GradientReduction {
    /**
     * Replaces the gradients in place by their combination.
     *
     * @param gradients each registered parameter's gradient, summed over this process's devices, by
     *     parameter id, in the order the parameters were registered
     * @return whether the step goes on; false discards it (its gradients cleared)
     */
    boolean reduce(Map<String, NDArray> gradients);
  }

  /**
   * As {@link #finishStep()}, with the gradients combined by a reduction before the norm is taken,
   * so that clipping and the discarding of a non-finite step see the combined gradients.
   *
   * @param reduction the reduction, or {@code null} for none
   * @return the global gradient norm before clipping (NaN when the step was discarded)
   */
  public double finishStep(GradientReduction reduction) {
    List<String> ids = new ArrayList<>(pending.keySet());
    List<NDArray> sums = new ArrayList<>();
    List<NDArray> reduced = new ArrayList<>();
    List<NDArray> handles = new ArrayList<>();
    try {
      for (String id : ids) {
        NDArray[] params = pending.get(id);
        NDArray sum = null;
        for (NDArray p : params) {
          NDArray g = p.getGradient();
          handles.add(g);
          if (sum == null) {
            // One device: scale and read the gradient in place. Several: sum into a copy.
            sum = params.length == 1 ? g : g.duplicate();
            if (params.length > 1) {
              reduced.add(sum);
            }
          } else {
            try (NDArray moved = g.toDevice(sum.getDevice(), true)) {
              sum.addi(moved);
            }
          }
        }
        sums.add(sum);
      }
      if (reduction != null) {
        Map<String, NDArray> byId = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
          byId.put(ids.get(i), sums.get(i));
        }
        if (!reduction.reduce(byId)) {
          nonFinite = List.of();
          clearGradients();
          return Double.NaN;
        }
      }
      NDList squares = new NDList();
      Device first = sums.isEmpty() ? null : sums.get(0).getDevice();
      for (NDArray sum : sums) {
        NDArray sq;
        try (NDArray elementwise = sum.square()) {
          sq = elementwise.sum();
        }
        squares.add(sq.getDevice().equals(first) ? sq : moveAndClose(sq, first));
      }
      if (ids.isEmpty()) {
        return 0;
      }
      double norm;
      try (NDArray stacked = NDArrays.stack(squares);
          NDArray total = stacked.sum()) {
        norm = Math.sqrt(StepPhases.toHost(total)[0]);
      }
      squares.close();
      if (!Double.isFinite(norm)) {
        nonFinite = nonFiniteParameters(ids, sums);
        clearGradients();
        return norm;
      }
      float scale = maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;
      for (int i = 0; i < ids.size(); i++) {
        NDArray grad = sums.get(i);
        if (scale != 1f) {
          grad.muli(scale);
        }
        for (NDArray param : pending.get(ids.get(i))) {
          if (param.getDevice().equals(grad.getDevice())) {
            optimizer.update(ids.get(i), param, grad);
          } else {
            try (NDArray moved = grad.toDevice(param.getDevice(), true)) {
              optimizer.update(ids.get(i), param, moved);
            }
          }
        }
      }
      return norm;
    } finally {
      reduced.forEach(NDArray::close);
      handles.forEach(NDArray::close);
      pending.clear();
    }
  }

  private static NDArray moveAndClose(NDArray array, Device device) {
    try (array) {
      return array.toDevice(device, false);
    }
  }

  /**
   * Returns the parameters whose gradient held a NaN or an infinity in the last step that was
   * discarded for a non-finite norm, to say in the warning where the step went wrong.
   *
   * @return parameter ids, in update order; empty before any such step
   */
  public List<String> lastNonFiniteParameters() {
    return nonFinite;
  }

  private static List<String> nonFiniteParameters(List<String> ids, List<NDArray> gradients) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      NDArray g = gradients.get(i);
      // Every temporary is closed: they would join the gradient's long-lived manager.
      try (NDArray nan = g.isNaN();
          NDArray infinite = g.isInfinite();
          NDArray either = nan.logicalOr(infinite);
          NDArray bad = either.any()) {
        if (bad.getBoolean()) {
          names.add(ids.get(i));
        }
      }
    }
    return List.copyOf(names);
  }

  /** Forgets the registered parameters and clears their gradients without updating them. */
  public void discardStep() {
    clearGradients();
    pending.clear();
  }

  private void clearGradients() {
    for (NDArray[] params : pending.values()) {
      for (NDArray p : params) {
        MomentumSgd.zeroGradient(p);
      }
    }
  }

  @Override
  public void close() {
    pending.clear();
  }
}
