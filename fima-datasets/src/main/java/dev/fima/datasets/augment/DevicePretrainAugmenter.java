package dev.fima.datasets.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.DiffAugmentConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.FrameDifference;
import dev.fima.api.data.MotionInputs;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.ViewClips;
import dev.fima.api.data.ViewInputs;
import dev.fima.api.random.Seeds;
import java.util.ArrayList;
import java.util.List;

/**
 * The pretraining augmentation of section 1.3, run on the batch's device with NDArray operations:
 * frame differences ({@link FrameDifference}) of the cropped, flipped global and local clips, then
 * colour augmentation (grayscale, jitter, per-sample blur, Kinetics normalisation) of each of the
 * RGB views m and n, their differences, and the local differences.
 *
 * <p>Tensor {@code k} of a step (0 RGB m, 1 RGB n, 2 diff m, 3 diff n, then the local differences
 * of m and of n in time order) draws its parameters from the stream {@code (seed, k)}, so the RGB
 * views get the same augmentation whether or not the motion tensors are computed.
 *
 * <p>The difference clips get the parts {@link DiffAugmentConfig} names: each of grayscale, jitter
 * and blur is applied with the drawn parameters or left out (its parameters made neutral, so the
 * other parts see exactly the draws they would have with it), and the Kinetics normalisation is
 * applied or not. With {@code shareRgbDraw} a difference clip of view m (global or local) takes the
 * parameters drawn for the RGB view m, and likewise for n, instead of its own stream.
 *
 * <p>{@code pixelMotion} is the mean over time of {@code sum_c |x_{t+1} - x_t|} of the un-augmented
 * global clip ({@code [B, S, S]}), the motion map of the reference's top-k mask (section 2).
 */
public final class DevicePretrainAugmenter implements PretrainAugmenter {

  /** Index of view m (the stream of its RGB colour parameters). */
  private static final int RGB_M = 0;

  /** Index of view n (the stream of its RGB colour parameters). */
  private static final int RGB_N = 1;

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
    int locals = batch.m().locals().size();
    return new FimaInputs(
        view(batch.m(), RGB_M, locals, seed, b, motion),
        view(batch.n(), RGB_N, locals, seed, b, motion));
  }

  /**
   * Augments one view. View {@code v} (0 for m, 1 for n) draws its RGB parameters from stream v,
   * its global difference's from stream {@code 2 + v} and its i-th local difference's from stream
   * {@code 4 + v * locals + i}.
   */
  private ViewInputs view(ViewClips clips, int v, int locals, long seed, int b, boolean motion) {
    ColorParams draw = color.draw(b, Seeds.random(seed, v));
    NDArray rgb = rgb(clips.global(), draw);
    NDArray crop = clips.crop().duplicate();
    if (!motion) {
      return new ViewInputs(rgb, crop);
    }
    NDArray diff = diff(clips.global(), seed, 2 + v, b, draw);
    List<NDArray> localDiffs = new ArrayList<>();
    int k = 4 + v * locals;
    for (NDArray local : clips.locals()) {
      localDiffs.add(diff(local, seed, k++, b, draw));
    }
    return new ViewInputs(
        rgb, crop, new MotionInputs(diff, localDiffs, pixelMotion(clips.global())));
  }

  /**
   * Computes one frame-difference clip and gives it the configured parts of the colour
   * augmentation.
   *
   * @param clips {@code [B, 3, T, S, S]} in [0, 1], cropped and flipped
   * @param seed the step's augmentation seed
   * @param tensor the clip's own stream index
   * @param b batch size
   * @param rgbDraw the parameters of the RGB view the clip was cut from
   * @return the difference clip, augmented
   */
  private NDArray diff(NDArray clips, long seed, int tensor, int b, ColorParams rgbDraw) {
    DiffAugmentConfig parts = config.diff();
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray d = FrameDifference.compute(clips, config.diffMode());
      if (parts.colours()) {
        ColorParams drawn =
            parts.shareRgbDraw() ? rgbDraw : color.draw(b, Seeds.random(seed, tensor));
        // apply() hands back an array outside every scope: close it here once it is normalised.
        NDArray coloured =
            color.apply(
                d,
                drawn.keeping(parts.jitter(), parts.grayscale(), parts.blur()),
                config.grayscaleBeforeJitter());
        if (parts.normalize()) {
          try (coloured) {
            out = ColorAugmentation.normalize(coloured);
          }
        } else {
          out = coloured;
        }
      } else {
        out = parts.normalize() ? ColorAugmentation.normalize(d) : d;
      }
      NDScope.unregister(out);
    }
    return out;
  }

  /** Colour-augments and normalises an RGB view. */
  private NDArray rgb(NDArray clips, ColorParams params) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      // apply() hands back an array outside every scope: close it here once normalised.
      try (NDArray x = color.apply(clips, params, config.grayscaleBeforeJitter())) {
        out = ColorAugmentation.normalize(x);
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
