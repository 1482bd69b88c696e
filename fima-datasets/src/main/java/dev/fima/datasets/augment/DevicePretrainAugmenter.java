package dev.fima.datasets.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.FrameDifference;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatch;
import dev.fima.datasets.sampling.Seeds;
import java.util.ArrayList;
import java.util.List;

/**
 * The pretraining augmentation of section 1.3, run on the batch's device with NDArray operations:
 * frame differences ({@link FrameDifference}) of the cropped, flipped global and local clips, then
 * independent colour augmentation (grayscale, jitter, per-sample blur, Kinetics normalisation) of
 * each of the RGB views m and n, their differences, and the local differences.
 *
 * <p>Tensor {@code k} of a step (0 RGB m, 1 RGB n, 2 diff m, 3 diff n, then the local differences
 * of m and of n in time order) draws its parameters from the stream {@code (seed, k)}, so the RGB
 * views get the same augmentation whether or not the motion tensors are computed.
 *
 * <p>With {@code augmentDiff = false} the difference clips skip grayscale, jitter and blur but are
 * still normalised with the Kinetics mean and standard deviation, exactly as an augmented
 * difference clip is at its end: switching the option changes the randomness, not the scale the
 * shared key encoder sees.
 *
 * <p>{@code pixelMotion} is the mean over time of {@code sum_c |x_{t+1} - x_t|} of the un-augmented
 * global clip ({@code [B, S, S]}), the motion map of the reference's top-k mask (section 2).
 */
public final class DevicePretrainAugmenter implements PretrainAugmenter {

  private final AugmentConfig config;
  private final ColorAugmentation color;

  /**
   * Creates the augmenter.
   *
   * @param config probabilities, strengths, difference mode
   */
  public DevicePretrainAugmenter(AugmentConfig config) {
    this.config = config;
    this.color = new ColorAugmentation(config, true);
  }

  @Override
  public FimaInputs augment(PretrainBatch batch, long seed, boolean motion) {
    int b = batch.size();
    NDArray rgbM = rgb(batch.globalM(), seed, 0, b);
    NDArray rgbN = rgb(batch.globalN(), seed, 1, b);
    NDArray coordM = batch.coordM().duplicate();
    NDArray coordN = batch.coordN().duplicate();
    if (!motion) {
      return new FimaInputs(rgbM, rgbN, null, null, null, null, coordM, coordN, null, null);
    }
    NDArray diffM = diff(batch.globalM(), seed, 2, b);
    NDArray diffN = diff(batch.globalN(), seed, 3, b);
    List<NDArray> localM = new ArrayList<>();
    List<NDArray> localN = new ArrayList<>();
    int k = 4;
    for (NDArray local : batch.localsM()) {
      localM.add(diff(local, seed, k++, b));
    }
    for (NDArray local : batch.localsN()) {
      localN.add(diff(local, seed, k++, b));
    }
    return new FimaInputs(
        rgbM,
        rgbN,
        diffM,
        diffN,
        localM,
        localN,
        coordM,
        coordN,
        pixelMotion(batch.globalM()),
        pixelMotion(batch.globalN()));
  }

  private NDArray rgb(NDArray clips, long seed, int tensor, int b) {
    return colourAndNormalize(clips, seed, tensor, b, true);
  }

  private NDArray diff(NDArray clips, long seed, int tensor, int b) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray d = FrameDifference.compute(clips, config.diffMode());
      out = colourAndNormalize(d, seed, tensor, b, config.augmentDiff());
      NDScope.unregister(out);
    }
    return out;
  }

  private NDArray colourAndNormalize(NDArray clips, long seed, int tensor, int b, boolean augment) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      if (augment) {
        ColorParams params = color.draw(b, Seeds.random(seed, tensor));
        // apply() hands back an array outside every scope: close it here once normalised.
        try (NDArray x = color.apply(clips, params, config.grayscaleBeforeJitter())) {
          out = ColorAugmentation.normalize(x);
        }
      } else {
        out = ColorAugmentation.normalize(clips);
      }
      NDScope.unregister(out);
    }
    return out;
  }

  /**
   * Computes the motion map of a clip batch.
   *
   * @param clips {@code [B, 3, T, S, S]}
   * @return {@code [B, S, S]}, the time-average of the channel-summed absolute frame differences
   */
  static NDArray pixelMotion(NDArray clips) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray d = clips.get(":,:,1:").sub(clips.get(":,:,:-1")).abs();
      out = d.sum(new int[] {1}).mean(new int[] {1});
      NDScope.unregister(out);
    }
    return out;
  }
}
