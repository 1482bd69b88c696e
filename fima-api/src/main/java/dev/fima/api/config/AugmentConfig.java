package dev.fima.api.config;

/**
 * Spatial and colour augmentation (sections 1.2 and 1.3 of the method notes). Colour parameters are
 * drawn per sample and shared by all frames of a clip.
 *
 * @param minScale smallest crop area as a fraction of the frame
 * @param maxScale largest crop area as a fraction of the frame
 * @param flipProbability probability of a horizontal flip (which swaps x1 and x2 of the crop)
 * @param grayscaleProbability probability of converting a clip to grayscale
 * @param jitterProbability probability of applying colour jitter
 * @param brightness brightness jitter strength
 * @param contrast contrast jitter strength
 * @param saturation saturation jitter strength
 * @param hue hue jitter strength, at most 0.5
 * @param blurProbability probability of a Gaussian blur (pretraining only)
 * @param blurSigmaMin smallest blur sigma, drawn per sample (the reference draws it once per run)
 * @param blurSigmaMax largest blur sigma
 * @param grayscaleBeforeJitter the reference order (grayscale, then jitter); false gives the
 *     MoCo-v2 order
 * @param diffMode how the first frame of a frame-difference clip is formed
 * @param diff which parts of the colour augmentation the frame-difference clips get, and whether
 *     their colour parameters are drawn on their own (the reference) or taken from the RGB view
 */
public record AugmentConfig(
    double minScale,
    double maxScale,
    double flipProbability,
    double grayscaleProbability,
    double jitterProbability,
    double brightness,
    double contrast,
    double saturation,
    double hue,
    double blurProbability,
    double blurSigmaMin,
    double blurSigmaMax,
    boolean grayscaleBeforeJitter,
    DiffMode diffMode,
    DiffAugmentConfig diff) {

  /** Validates the ranges. */
  public AugmentConfig {
    Check.range("minScale", minScale, 1e-3, 1);
    Check.range("maxScale", maxScale, minScale, 1);
    Check.range("flipProbability", flipProbability, 0, 1);
    Check.range("grayscaleProbability", grayscaleProbability, 0, 1);
    Check.range("jitterProbability", jitterProbability, 0, 1);
    Check.range("brightness", brightness, 0, 1);
    Check.range("contrast", contrast, 0, 1);
    Check.range("saturation", saturation, 0, 1);
    Check.range("hue", hue, 0, 0.5);
    Check.range("blurProbability", blurProbability, 0, 1);
    Check.positive("blurSigmaMin", blurSigmaMin);
    Check.range("blurSigmaMax", blurSigmaMax, blurSigmaMin, 100);
    Check.present("diffMode", diffMode);
    Check.present("diff", diff);
  }

  /**
   * Returns the reference pretraining augmentation, with the per-sample blur sigma fixed, and one
   * deviation: the difference clips get grayscale, blur and normalisation but no photometric jitter
   * ({@link DiffAugmentConfig#noJitter()}). The reference's jittered difference clips ({@code
   * augment.diff=reference}) made the motion terms collapse in every cell of the measured grid
   * (BENCHMARKS.md, "Motion terms": class-token predictions at cosine 1.00, the local term at its
   * chance value, linear top-1 13.75-20.0 % against a random floor of 15.0 % on seed 1), where
   * without the jitter the local term fell below chance and the probe rose (30.0 / 13.75 / 47.5 %
   * on seeds 1-3, floor 15.0 / 12.5 / 21.25 %). Jitter shifts a whole difference clip by more than
   * its motion changes it, so the decoder's best prediction is the mean target.
   *
   * @return the defaults
   */
  public static AugmentConfig defaults() {
    return new AugmentConfig(
        0.2,
        1.0,
        0.5,
        0.2,
        0.8,
        0.4,
        0.4,
        0.4,
        0.1,
        0.5,
        0.1,
        2.0,
        true,
        DiffMode.WRAP,
        DiffAugmentConfig.noJitter());
  }
}
