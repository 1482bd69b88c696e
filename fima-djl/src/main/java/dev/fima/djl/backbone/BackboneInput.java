package dev.fima.djl.backbone;

import java.util.List;

/**
 * What a backbone expects as input: clip length, crop side and the per-channel normalisation of RGB
 * values in [0, 1]. Recorded in an exported backbone's descriptor so that evaluation feeds it clips
 * like the ones it was trained on.
 *
 * @param frames clip length T
 * @param crop crop side S in pixels
 * @param mean per-channel mean subtracted from [0, 1] RGB values
 * @param std per-channel standard deviation divided by
 */
public record BackboneInput(int frames, int crop, List<Double> mean, List<Double> std) {

  /** The Kinetics RGB mean the reference normalises with (section 9 of the method notes). */
  public static final List<Double> KINETICS_MEAN = List.of(0.43216, 0.394666, 0.37645);

  /** The Kinetics RGB standard deviation the reference normalises with. */
  public static final List<Double> KINETICS_STD = List.of(0.22803, 0.22145, 0.216989);

  /** Validates the sizes. */
  public BackboneInput {
    if (frames < 1 || crop < 1) {
      throw new IllegalArgumentException(
          "frames and crop must be positive: " + frames + ", " + crop);
    }
    mean = List.copyOf(mean);
    std = List.copyOf(std);
    if (mean.size() != 3 || std.size() != 3) {
      throw new IllegalArgumentException("mean and std need 3 channels: " + mean + ", " + std);
    }
  }

  /**
   * Returns an input of the given size normalised with the Kinetics statistics.
   *
   * @param frames clip length
   * @param crop crop side
   * @return the input description
   */
  public static BackboneInput kinetics(int frames, int crop) {
    return new BackboneInput(frames, crop, KINETICS_MEAN, KINETICS_STD);
  }
}
