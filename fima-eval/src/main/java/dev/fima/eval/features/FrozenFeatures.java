package dev.fima.eval.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.Progress;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.djl.backbone.VideoBackbone;

/**
 * Pooled features of a frozen backbone in inference mode: batch-norm uses its running statistics
 * (and never updates them), dropout is off, and no gradient is recorded because no gradient
 * collector is open. A video's feature therefore does not depend on which other videos share its
 * batch.
 */
public final class FrozenFeatures {

  private FrozenFeatures() {}

  /**
   * Extracts the pooled feature {@code [C]} of every view of every video of a loader.
   *
   * @param backbone the backbone, initialised on {@code manager}'s device
   * @param loader an evaluation loader
   * @param normaliser normalises the loader's [0, 1] clips
   * @param manager the manager of the backbone's device
   * @return the features and the skipped videos
   */
  public static ClipFeatures extract(
      VideoBackbone backbone,
      LabeledBatchLoader loader,
      ClipAugmenter normaliser,
      NDManager manager) {
    return extract(backbone, loader, normaliser, manager, null, "");
  }

  /**
   * Extracts the pooled feature {@code [C]} of every view of every video of a loader, showing the
   * progress batch by batch.
   *
   * @param backbone the backbone, initialised on {@code manager}'s device
   * @param loader an evaluation loader
   * @param normaliser normalises the loader's [0, 1] clips
   * @param manager the manager of the backbone's device
   * @param progress where to show the progress, or {@code null} for nowhere
   * @param label what is extracted, shown before the bar
   * @return the features and the skipped videos
   */
  public static ClipFeatures extract(
      VideoBackbone backbone,
      LabeledBatchLoader loader,
      ClipAugmenter normaliser,
      NDManager manager,
      Progress progress,
      String label) {
    ParameterStore store = new ParameterStore(manager, false);
    return ViewPass.run(
        loader,
        manager,
        normaliser,
        x -> pooled(backbone.forward(store, new NDList(x), false)),
        progress,
        label);
  }

  /**
   * Returns the pooled features {@code [B, C]} of a backbone's outputs {@code [map, pooled]}.
   *
   * @param outputs what a {@link VideoBackbone}'s forward returned
   * @return the pooled features
   * @throws IllegalStateException when the block returned fewer than two outputs
   */
  public static NDArray pooled(NDList outputs) {
    if (outputs.size() < 2) {
      throw new IllegalStateException(
          "a VideoBackbone returns [map, pooled], got " + outputs.size() + " outputs");
    }
    return outputs.get(1);
  }
}
