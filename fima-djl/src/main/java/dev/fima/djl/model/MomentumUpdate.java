package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Iterator;

/**
 * The momentum (key) encoder's update, {@code key <- m key + (1 - m) query}, over every trainable
 * parameter (section 6 of the method notes). Batch-norm running statistics are not averaged: like
 * the reference, which iterates {@code parameters()} and not buffers, the key side keeps the
 * statistics of its own passes.
 *
 * <p>The update is in place on the key's arrays, runs with gradient recording off ({@link
 * NoGradScope}) and reads the query through {@code stopGradient}, so it never enters autograd, even
 * when called inside a {@code GradientCollector} (gradient recording is a per-thread libtorch mode;
 * an in-place add of a recorded array would otherwise turn the key parameters into graph nodes).
 */
public final class MomentumUpdate {

  private MomentumUpdate() {}

  /**
   * Makes the key side an exact copy of the query side (every parameter, statistics included) and
   * freezes it.
   *
   * @param query the trained block
   * @param key its momentum copy, initialised with the same architecture
   */
  public static void copyAndFreeze(Block query, Block key) {
    forEachPair(
        query,
        key,
        true,
        (q, k) -> {
          try (NDArray detached = q.stopGradient()) {
            k.muli(0).addi(detached);
          }
        });
    key.freezeParameters(true);
  }

  /**
   * Applies one momentum step.
   *
   * @param query the trained block
   * @param key its momentum copy
   * @param momentum m, the weight of the key's current value
   */
  public static void update(Block query, Block key, double momentum) {
    float m = (float) momentum;
    try (NoGradScope noGrad = NoGradScope.open()) {
      updateAll(query, key, m);
    }
  }

  private static void updateAll(Block query, Block key, float m) {
    forEachPair(
        query,
        key,
        false,
        (q, k) -> {
          // Temporaries are closed at once: they would otherwise live as long as the parameters.
          try (NDArray detached = q.stopGradient();
              NDArray scaled = detached.mul(1 - m)) {
            k.muli(m).addi(scaled);
          }
        });
  }

  private interface Pairwise {
    void apply(NDArray query, NDArray key);
  }

  private static void forEachPair(Block query, Block key, boolean statistics, Pairwise op) {
    Iterator<Pair<String, Parameter>> keys = key.getParameters().iterator();
    for (Pair<String, Parameter> q : query.getParameters()) {
      if (!keys.hasNext()) {
        throw new IllegalArgumentException("key block has fewer parameters than the query block");
      }
      Pair<String, Parameter> k = keys.next();
      if (!q.getKey().equals(k.getKey())) {
        throw new IllegalArgumentException(
            "query and key blocks differ: " + q.getKey() + " vs " + k.getKey());
      }
      Parameter.Type type = q.getValue().getType();
      boolean isStatistic =
          type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR;
      if (statistics || !isStatistic) {
        op.apply(q.getValue().getArray(), k.getValue().getArray());
      }
    }
    if (keys.hasNext()) {
      throw new IllegalArgumentException("key block has more parameters than the query block");
    }
  }
}
