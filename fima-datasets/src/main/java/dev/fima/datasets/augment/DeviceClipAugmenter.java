package dev.fima.datasets.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.random.Seeds;

/**
 * The supervised training augmentation of section 8 on the batch's device: grayscale, colour jitter
 * and Kinetics normalisation, no blur; the same code as the pretraining augmentation ({@link
 * ColorAugmentation}).
 */
public final class DeviceClipAugmenter implements ClipAugmenter {

  private final AugmentConfig config;
  private final ColorAugmentation color;

  /**
   * Creates the augmenter.
   *
   * @param config probabilities and strengths (the blur fields are ignored)
   */
  public DeviceClipAugmenter(AugmentConfig config) {
    this.config = config;
    this.color = new ColorAugmentation(config, false);
  }

  @Override
  public NDArray augment(NDArray clips, long seed) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      ColorParams params = color.draw((int) clips.getShape().get(0), Seeds.random(seed, 0));
      // apply() hands back an array outside every scope: close it here once normalised.
      try (NDArray x = color.apply(clips, params, config.grayscaleBeforeJitter())) {
        out = ColorAugmentation.normalize(x);
      }
      NDScope.unregister(out);
    }
    return out;
  }

  @Override
  public NDArray normalize(NDArray clips) {
    return ColorAugmentation.normalize(clips);
  }
}
