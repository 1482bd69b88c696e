package dev.fima.datasets.augment;

import java.util.random.RandomGenerator;

/**
 * Draws torchvision's {@code RandomResizedCrop} box (section 1.2 of the method notes): an area
 * fraction uniform in {@code [minScale, maxScale]}, a log-uniform aspect ratio in {@code [3/4,
 * 4/3]}, up to 10 tries, then the central fallback; and a horizontal flip with a given probability.
 */
public final class RandomResizedCrop {

  private static final double LOG_MIN_RATIO = Math.log(3.0 / 4.0);
  private static final double LOG_MAX_RATIO = Math.log(4.0 / 3.0);

  private final double minScale;
  private final double maxScale;
  private final double flipProbability;

  /**
   * Creates the sampler.
   *
   * @param minScale smallest crop area as a fraction of the frame (0.2 in the reference)
   * @param maxScale largest crop area as a fraction of the frame (1.0)
   * @param flipProbability probability of a horizontal flip (0.5)
   */
  public RandomResizedCrop(double minScale, double maxScale, double flipProbability) {
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.flipProbability = flipProbability;
  }

  /**
   * Draws one crop box and flip. The random draws are, in order: up to 10 tries of (scale, log
   * ratio), the top and left offsets, then the flip.
   *
   * @param frameHeight rows of the frame, H
   * @param frameWidth columns of the frame, W
   * @param random the sample's random source
   * @return the box
   */
  public CropBox sample(int frameHeight, int frameWidth, RandomGenerator random) {
    double area = (double) frameHeight * frameWidth;
    CropBox box = null;
    for (int attempt = 0; attempt < 10 && box == null; attempt++) {
      double target = area * uniform(random, minScale, maxScale);
      double ratio = Math.exp(uniform(random, LOG_MIN_RATIO, LOG_MAX_RATIO));
      int w = (int) Math.round(Math.sqrt(target * ratio));
      int h = (int) Math.round(Math.sqrt(target / ratio));
      if (w > 0 && w <= frameWidth && h > 0 && h <= frameHeight) {
        int top = random.nextInt(frameHeight - h + 1);
        int left = random.nextInt(frameWidth - w + 1);
        box = new CropBox(top, left, h, w, frameHeight, frameWidth, false);
      }
    }
    if (box == null) {
      box = centralFallback(frameHeight, frameWidth);
    }
    boolean flip = random.nextDouble() < flipProbability;
    return box.withFlip(flip);
  }

  /**
   * Returns torchvision's fallback: the whole frame, narrowed to the nearest allowed aspect ratio,
   * centred.
   *
   * @param frameHeight rows of the frame
   * @param frameWidth columns of the frame
   * @return the box, not flipped
   */
  static CropBox centralFallback(int frameHeight, int frameWidth) {
    double inRatio = (double) frameWidth / frameHeight;
    int w;
    int h;
    if (inRatio < 3.0 / 4.0) {
      w = frameWidth;
      h = (int) Math.round(w / (3.0 / 4.0));
    } else if (inRatio > 4.0 / 3.0) {
      h = frameHeight;
      w = (int) Math.round(h * (4.0 / 3.0));
    } else {
      w = frameWidth;
      h = frameHeight;
    }
    h = Math.min(h, frameHeight);
    w = Math.min(w, frameWidth);
    return new CropBox(
        (frameHeight - h) / 2, (frameWidth - w) / 2, h, w, frameHeight, frameWidth, false);
  }

  private static double uniform(RandomGenerator random, double low, double high) {
    return low + (high - low) * random.nextDouble();
  }
}
