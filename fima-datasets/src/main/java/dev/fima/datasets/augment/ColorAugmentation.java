package dev.fima.datasets.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.AugmentConfig;
import java.util.random.RandomGenerator;

/**
 * Per-clip colour augmentation of clip batches on their own device (section 1.3 of the method
 * notes), vectorised over the batch: parameters are drawn per sample in Java, turned into {@code
 * [B, ...]} tensors and shared by every frame of a clip. Both the pretraining and the supervised
 * augmenters use this one implementation.
 *
 * <p>Brightness ({@code x * f}), contrast ({@code f * x + (1 - f) * mean(gray(frame))}, per frame),
 * saturation ({@code f * x + (1 - f) * gray(x)}) and grayscale follow torchvision's definitions
 * (ITU-R 601 grey weights), each clamped to [0, 1]; factors are uniform in {@code [1 - s, 1 + s]}
 * for the samples that get jitter and exactly neutral for the others, and the four jitter
 * operations run in one random order per batch, as kornia draws it per call. Hue is a rotation of
 * every pixel about the grey axis of RGB space by {@code 2 pi h}: it turns hues the same way as
 * torchvision's HSV hue shift and equals it at multiples of 1/3 turn, but in between it does not
 * hold HSV saturation and value fixed (pure red shifted by 0.1 becomes (0.87, 0.40, 0) instead of
 * (1, 0.6, 0)). It is one batched 3 x 3 matrix product instead of the dozens of full-size tensor
 * operations of an HSV round trip, which made the whole augmentation several times slower on a CPU.
 * Grayscale, saturation and hue are all such per-sample matrices. The Gaussian blur (kernel {@code
 * int(0.1 S) // 2 * 2 + 1}, reflect padding, separable depthwise convolutions) draws its sigma per
 * sample, fixing the reference's once-per-run sigma.
 */
public final class ColorAugmentation {

  /** Kinetics-400 channel means (RGB) used for normalisation. */
  public static final float[] KINETICS_MEAN = {0.43216f, 0.394666f, 0.37645f};

  /** Kinetics-400 channel standard deviations (RGB). */
  public static final float[] KINETICS_STD = {0.22803f, 0.22145f, 0.216989f};

  private final AugmentConfig config;
  private final boolean blur;

  /**
   * Creates the augmentation.
   *
   * @param config probabilities and strengths
   * @param blur whether the Gaussian blur is part of it (pretraining: yes; supervised: no)
   */
  public ColorAugmentation(AugmentConfig config, boolean blur) {
    this.config = config;
    this.blur = blur;
  }

  /**
   * Draws the parameters of one batch. The draws per sample are, in order: grayscale, jitter, the
   * four factors, blur, sigma; then the operation order of the batch.
   *
   * @param batch B
   * @param random the batch's random source
   * @return the parameters
   */
  public ColorParams draw(int batch, RandomGenerator random) {
    float[] gray = new float[batch];
    float[] bright = new float[batch];
    float[] contrast = new float[batch];
    float[] sat = new float[batch];
    float[] hue = new float[batch];
    float[] sigma = new float[batch];
    for (int i = 0; i < batch; i++) {
      gray[i] = random.nextDouble() < config.grayscaleProbability() ? 1f : 0f;
      boolean jitter = random.nextDouble() < config.jitterProbability();
      double b = factor(random, config.brightness());
      double c = factor(random, config.contrast());
      double s = factor(random, config.saturation());
      double h = (2 * random.nextDouble() - 1) * config.hue();
      bright[i] = jitter ? (float) b : 1f;
      contrast[i] = jitter ? (float) c : 1f;
      sat[i] = jitter ? (float) s : 1f;
      hue[i] = jitter ? (float) h : 0f;
      boolean blurred = blur && random.nextDouble() < config.blurProbability();
      double sg =
          config.blurSigmaMin()
              + (config.blurSigmaMax() - config.blurSigmaMin()) * random.nextDouble();
      sigma[i] = blurred ? (float) sg : 0f;
    }
    int[] order = {0, 1, 2, 3};
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return new ColorParams(gray, bright, contrast, sat, hue, order, sigma);
  }

  /**
   * Applies grayscale, jitter and (if enabled) blur; values stay in [0, 1]. Intermediate arrays are
   * freed before returning; the result belongs to the input's manager.
   *
   * @param clips {@code [B, 3, T, H, W]} in [0, 1]
   * @param params the batch's parameters
   * @param grayscaleFirst the reference order (grayscale before jitter); false jitters first
   * @return the augmented clips
   */
  public NDArray apply(NDArray clips, ColorParams params, boolean grayscaleFirst) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray x = clips;
      if (grayscaleFirst) {
        x = grayscale(x, params);
        x = jitter(x, params);
      } else {
        x = jitter(x, params);
        x = grayscale(x, params);
      }
      if (blur) {
        x = blur(x, params.blurSigma());
      }
      out = x == clips ? clips.duplicate() : x;
      NDScope.unregister(out);
    }
    return out;
  }

  /**
   * Normalises with the Kinetics mean and standard deviation.
   *
   * @param clips {@code [..., 3, T, H, W]}
   * @return normalised clips, same shape, in the input's manager
   */
  public static NDArray normalize(NDArray clips) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray mean = constant(clips, KINETICS_MEAN, new Shape(3, 1, 1, 1));
      NDArray std = constant(clips, KINETICS_STD, new Shape(3, 1, 1, 1));
      out = clips.sub(mean).div(std);
      NDScope.unregister(out);
    }
    return out;
  }

  private static double factor(RandomGenerator random, double strength) {
    double low = Math.max(0, 1 - strength);
    return low + (1 + strength - low) * random.nextDouble();
  }

  private static final float[] GREY = {0.299f, 0.587f, 0.114f};

  private NDArray grayscale(NDArray x, ColorParams p) {
    if (!any(p.grayscale(), 0f)) {
      return x;
    }
    int b = p.size();
    float[] m = new float[b * 9];
    for (int i = 0; i < b; i++) {
      float g = p.grayscale()[i];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          m[i * 9 + r * 3 + c] = (r == c ? 1 - g : 0) + g * GREY[c];
        }
      }
    }
    // A convex mix of the pixel and its grey level stays in [0, 1]: no clamp needed.
    return mixChannels(x, m);
  }

  private NDArray jitter(NDArray x, ColorParams p) {
    for (int op : p.order()) {
      switch (op) {
        case 0 -> {
          if (any(p.brightness(), 1f)) {
            x = x.mul(perSample(x, p.brightness())).clip(0, 1);
          }
        }
        case 1 -> {
          if (any(p.contrast(), 1f)) {
            NDArray f = perSample(x, p.contrast());
            x = x.mul(f).add(frameGreyMean(x).mul(f.neg().add(1))).clip(0, 1);
          }
        }
        case 2 -> {
          if (any(p.saturation(), 1f)) {
            x = mixChannels(x, saturationMatrices(p.saturation())).clip(0, 1);
          }
        }
        default -> {
          if (any(p.hue(), 0f)) {
            x = mixChannels(x, hueMatrices(p.hue())).clip(0, 1);
          }
        }
      }
    }
    return x;
  }

  /** Mean grey level of every frame, {@code [B, 1, T, 1, 1]}, from per-channel means. */
  private static NDArray frameGreyMean(NDArray x) {
    Shape s = x.getShape();
    NDArray channelMeans =
        x.reshape(s.get(0), 3, s.get(2), s.get(3) * s.get(4)).mean(new int[] {3});
    NDArray weights = constant(x, GREY, new Shape(1, 3, 1));
    return channelMeans.mul(weights).sum(new int[] {1}, true).reshape(s.get(0), 1, s.get(2), 1, 1);
  }

  /** Per-sample {@code s I + (1 - s) [grey; grey; grey]}, row-major 3 x 3 blocks. */
  static float[] saturationMatrices(float[] factor) {
    float[] m = new float[factor.length * 9];
    for (int i = 0; i < factor.length; i++) {
      float f = factor[i];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          m[i * 9 + r * 3 + c] = (r == c ? f : 0) + (1 - f) * GREY[c];
        }
      }
    }
    return m;
  }

  /**
   * Per-sample rotations about the grey axis {@code u = (1, 1, 1) / sqrt 3} by {@code 2 pi h}
   * (Rodrigues): {@code cos t I + sin t [u]x + (1 - cos t) u u^T}.
   */
  static float[] hueMatrices(float[] shift) {
    float[] m = new float[shift.length * 9];
    double k = 1 / Math.sqrt(3);
    for (int i = 0; i < shift.length; i++) {
      double t = 2 * Math.PI * shift[i];
      double cos = Math.cos(t);
      double sin = Math.sin(t) * k;
      double common = (1 - cos) / 3;
      double[] r = {
        cos + common,
        common - sin,
        common + sin,
        common + sin,
        cos + common,
        common - sin,
        common - sin,
        common + sin,
        cos + common
      };
      for (int j = 0; j < 9; j++) {
        m[i * 9 + j] = (float) r[j];
      }
    }
    return m;
  }

  /** Applies a 3 x 3 channel matrix per sample: one batched matrix product over all pixels. */
  private static NDArray mixChannels(NDArray x, float[] matrices) {
    Shape s = x.getShape();
    long b = s.get(0);
    NDArray m = constant(x, matrices, new Shape(b, 3, 3));
    return m.batchMatMul(x.reshape(b, 3, s.size() / (b * 3))).reshape(s);
  }

  /**
   * Separable Gaussian blur with per-sample kernels; sigma 0 leaves a sample unchanged. Each axis
   * is one broadcast matrix product with a per-sample banded matrix that holds the taps and folds
   * the reflect padding into its border rows: on a CPU this is several times faster than a
   * depthwise convolution or a sum of shifted copies.
   */
  private static NDArray blur(NDArray x, float[] sigma) {
    if (!any(sigma, 0f)) {
      return x;
    }
    Shape s = x.getShape();
    int size = (int) (0.1 * s.get(3)) / 2 * 2 + 1;
    int h = (int) s.get(3);
    int w = (int) s.get(4);
    if (size < 3 || h <= size / 2 || w <= size / 2) {
      return x;
    }
    float[][] taps = kernels(sigma, size);
    long b = s.get(0);
    NDArray planes = x.reshape(b, s.get(1) * s.get(2), h, w);
    NDArray alongRows = constant(x, bandMatrices(taps, w, true), new Shape(b, 1, w, w));
    NDArray alongColumns = constant(x, bandMatrices(taps, h, false), new Shape(b, 1, h, h));
    return alongColumns.matMul(planes.matMul(alongRows)).reshape(s);
  }

  /**
   * Builds per-sample {@code n x n} blur matrices K with {@code K[i][j]} = total weight of input
   * {@code j} in output {@code i} under reflect padding; transposed when the matrix multiplies from
   * the right.
   */
  static float[] bandMatrices(float[][] taps, int n, boolean transposed) {
    int samples = taps[0].length;
    int radius = taps.length / 2;
    float[] m = new float[samples * n * n];
    for (int b = 0; b < samples; b++) {
      int base = b * n * n;
      for (int i = 0; i < n; i++) {
        for (int d = -radius; d <= radius; d++) {
          int j = i + d;
          if (j < 0) {
            j = -j;
          } else if (j > n - 1) {
            j = 2 * (n - 1) - j;
          }
          int at = transposed ? j * n + i : i * n + j;
          m[base + at] += taps[d + radius][b];
        }
      }
    }
    return m;
  }

  /**
   * Computes the normalised Gaussian taps of every sample, {@code [tap][sample]}; a sigma of 0
   * gives the identity kernel.
   */
  static float[][] kernels(float[] sigma, int size) {
    int radius = size / 2;
    float[][] taps = new float[size][sigma.length];
    for (int b = 0; b < sigma.length; b++) {
      if (sigma[b] <= 0) {
        taps[radius][b] = 1f;
        continue;
      }
      double sum = 0;
      double[] w = new double[size];
      for (int d = -radius; d <= radius; d++) {
        w[d + radius] = Math.exp(-(d * d) / (2.0 * sigma[b] * sigma[b]));
        sum += w[d + radius];
      }
      for (int k = 0; k < size; k++) {
        taps[k][b] = (float) (w[k] / sum);
      }
    }
    return taps;
  }

  /** A per-sample parameter as a {@code [B, 1, 1, 1, 1]} tensor on the clip's device. */
  private static NDArray perSample(NDArray x, float[] values) {
    return constant(x, values, new Shape(values.length, 1, 1, 1, 1));
  }

  private static NDArray constant(NDArray like, float[] values, Shape shape) {
    NDArray a = like.getManager().create(values, shape);
    return a.getDevice().equals(like.getDevice()) ? a : a.toDevice(like.getDevice(), false);
  }

  private static boolean any(float[] values, float neutral) {
    for (float v : values) {
      if (v != neutral) {
        return true;
      }
    }
    return false;
  }
}
