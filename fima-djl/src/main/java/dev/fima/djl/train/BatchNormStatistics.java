package dev.fima.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * The running statistics of every batch norm in a block, so that a training step that is discarded
 * can be undone entirely. A step's forward pass folds its batch into the running means and
 * variances before the loss is known; when the loss or the gradient turns out non-finite the
 * weights are left alone, and putting these statistics back makes the step change nothing the model
 * evaluates with (a NaN batch would otherwise make every later evaluation NaN).
 */
public final class BatchNormStatistics {

  private final List<NDArray> live = new ArrayList<>();

  private BatchNormStatistics(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter.Type type = p.getValue().getType();
      if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
        live.add(p.getValue().getArray());
      }
    }
  }

  /**
   * Finds the running statistics of an initialised block once, for a whole run.
   *
   * @param block the model, initialised
   * @return the statistics
   */
  public static BatchNormStatistics of(Block block) {
    return new BatchNormStatistics(block);
  }

  /**
   * Returns how many arrays are tracked (two per batch norm).
   *
   * @return the count
   */
  public int size() {
    return live.size();
  }

  /**
   * Copies the current statistics.
   *
   * @param manager receives the copies; a step's manager, so they go when the step ends
   * @return the copies, in the order {@link #restore} expects
   */
  public NDList capture(NDManager manager) {
    NDList copies = new NDList(live.size());
    for (NDArray a : live) {
      NDArray copy = a.duplicate();
      copy.attach(manager);
      copies.add(copy);
    }
    return copies;
  }

  /**
   * Writes captured statistics back in place, so that every holder of the parameter arrays sees
   * them.
   *
   * @param copies what {@link #capture} returned for this block
   */
  public void restore(NDList copies) {
    if (copies.size() != live.size()) {
      throw new IllegalArgumentException(
          "expected " + live.size() + " captured statistics, got " + copies.size());
    }
    for (int i = 0; i < live.size(); i++) {
      live.get(i).set(new NDIndex(":"), copies.get(i));
    }
  }
}
