package dev.fima.datasets.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.AugmentConfig;
import java.util.random.RandomGenerator;

/**
 * Per-clip colour augmentation of clip batches on their own device (section 1.3 of the method
 * notes), vectorised over the batch: parameters are drawn per sample in Java, turned into {@code
 * [B, 1, 1, 1, 1]} tensors and shared by every frame of a clip. Both the pretraining and the
 * supervised augmenters use this one implementation.
 *
 * <p>The operations follow torchvision's definitions (which today's kornia {@code ColorJitter}
 * shares): grayscale with the ITU-R 601 weights, brightness {@code x * f}, contrast {@code f * x +
 * (1 - f) * mean(gray(frame))} per frame, saturation {@code f * x + (1 - f) * gray(x)}, hue a
 * rotation in HSV, each clamped to [0, 1]; factors are uniform in {@code [1 - s, 1 + s]} (hue in
 * {@code [-h, h]}) for the samples that get jitter and exactly neutral for the others. The four
 * jitter operations run in one random order per batch, as kornia draws it per call. The Gaussian
 * blur (kernel {@code int(0.1 S) // 2 * 2 + 1}, reflect padding) draws its sigma per sample, fixing
 * the reference's once-per-run sigma.
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

  private NDArray grayscale(NDArray x, ColorParams p) {
    if (!any(p.grayscale(), 0f)) {
      return x;
    }
    NDArray m = perSample(x, p.grayscale());
    return x.mul(m.neg().add(1)).add(gray(x).mul(m));
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
            Shape s = x.getShape();
            NDArray mean =
                gray(x)
                    .reshape(s.get(0), 1, s.get(2), s.get(3) * s.get(4))
                    .mean(new int[] {3}, true)
                    .expandDims(4);
            x = x.mul(f).add(mean.mul(f.neg().add(1))).clip(0, 1);
          }
        }
        case 2 -> {
          if (any(p.saturation(), 1f)) {
            NDArray f = perSample(x, p.saturation());
            x = x.mul(f).add(gray(x).mul(f.neg().add(1))).clip(0, 1);
          }
        }
        default -> {
          if (any(p.hue(), 0f)) {
            x = hue(x, p.hue());
          }
        }
      }
    }
    return x;
  }

  /** Grey level of each pixel, {@code [B, 1, T, H, W]}. */
  static NDArray gray(NDArray x) {
    return x.get(":,0:1")
        .mul(0.299f)
        .add(x.get(":,1:2").mul(0.587f))
        .add(x.get(":,2:3").mul(0.114f));
  }

  /** Hue rotation through HSV, as torchvision's {@code adjust_hue}. */
  private static NDArray hue(NDArray x, float[] shift) {
    NDArray r = x.get(":,0");
    NDArray g = x.get(":,1");
    NDArray b = x.get(":,2");
    NDArray maxc = x.max(new int[] {1});
    NDArray minc = x.min(new int[] {1});
    NDArray eqc = maxc.eq(minc);
    NDArray cr = maxc.sub(minc);
    NDArray ones = maxc.onesLike();
    NDArray s = cr.div(NDArrays.where(eqc, ones, maxc));
    NDArray crDivisor = NDArrays.where(eqc, ones, cr);
    NDArray rc = maxc.sub(r).div(crDivisor);
    NDArray gc = maxc.sub(g).div(crDivisor);
    NDArray bc = maxc.sub(b).div(crDivisor);
    NDArray isR = maxc.eq(r);
    NDArray notR = isR.logicalNot();
    NDArray isG = maxc.eq(g);
    NDArray hr = isR.toType(DataType.FLOAT32, false).mul(bc.sub(gc));
    NDArray hg = isG.logicalAnd(notR).toType(DataType.FLOAT32, false).mul(rc.sub(bc).add(2));
    NDArray hb =
        isG.logicalNot().logicalAnd(notR).toType(DataType.FLOAT32, false).mul(gc.sub(rc).add(4));
    NDArray h = hr.add(hg).add(hb).div(6).add(1).mod(1);
    NDArray shiftArr = constant(x, shift, new Shape(shift.length, 1, 1, 1));
    h = h.add(shiftArr).mod(1);
    NDArray v = maxc;
    NDArray h6 = h.mul(6);
    NDArray i = h6.floor();
    NDArray f = h6.sub(i);
    i = i.mod(6);
    NDArray p = v.mul(s.neg().add(1)).clip(0, 1);
    NDArray q = v.mul(s.mul(f).neg().add(1)).clip(0, 1);
    NDArray t = v.mul(s.mul(f.neg().add(1)).neg().add(1)).clip(0, 1);
    NDArray[] m = new NDArray[6];
    for (int k = 0; k < 6; k++) {
      m[k] = i.eq(k).toType(DataType.FLOAT32, false);
    }
    NDArray red = pick(m, v, q, p, p, t, v);
    NDArray green = pick(m, t, v, v, q, p, p);
    NDArray blue = pick(m, p, p, t, v, v, q);
    return NDArrays.stack(new NDList(red, green, blue), 1);
  }

  private static NDArray pick(NDArray[] masks, NDArray... values) {
    NDArray sum = masks[0].mul(values[0]);
    for (int k = 1; k < 6; k++) {
      sum = sum.add(masks[k].mul(values[k]));
    }
    return sum;
  }

  /** Separable Gaussian blur with per-sample kernels; sigma 0 leaves a sample unchanged. */
  private static NDArray blur(NDArray x, float[] sigma) {
    if (!any(sigma, 0f)) {
      return x;
    }
    Shape s = x.getShape();
    int size = (int) (0.1 * s.get(3)) / 2 * 2 + 1;
    if (size < 3) {
      return x;
    }
    float[][] taps = kernels(sigma, size);
    x = blurAxis(x, taps, 4);
    return blurAxis(x, taps, 3);
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

  private static NDArray blurAxis(NDArray x, float[][] taps, int axis) {
    int radius = taps.length / 2;
    long n = x.getShape().get(axis);
    if (n <= radius) {
      return x;
    }
    String lead = ":,".repeat(axis);
    // Reflect padding (the edge pixel is not repeated), as PyTorch's and kornia's "reflect".
    NDArray left = x.get(lead + "1:" + (radius + 1)).flip(axis);
    NDArray right = x.get(lead + (n - radius - 1) + ":" + (n - 1)).flip(axis);
    NDArray padded = NDArrays.concat(new NDList(left, x, right), axis);
    NDArray sum = null;
    for (int k = 0; k < taps.length; k++) {
      NDArray w = perSample(x, taps[k]);
      NDArray term = padded.get(lead + k + ":" + (k + n)).mul(w);
      sum = sum == null ? term : sum.add(term);
    }
    return sum;
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
