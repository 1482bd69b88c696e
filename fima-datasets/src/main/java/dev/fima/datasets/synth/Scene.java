package dev.fima.datasets.synth;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One video's static background and the drawing of objects over it. The background is a random
 * colour with a random texture (flat, gradient, stripes, checker or soft blobs) whose contrast is
 * the clutter setting; objects are drawn with 2 x 2 supersampling so that their edges move smoothly
 * at sub-pixel speeds.
 */
final class Scene {

  private final int width;
  private final int height;
  private final int margin;
  private final float[] background;
  private final double[] mean;

  /**
   * Draws a background.
   *
   * @param width frame width
   * @param height frame height
   * @param margin extra pixels on every side, for camera jitter
   * @param clutter texture contrast, 0 to 1
   * @param random the background's stream
   */
  Scene(int width, int height, int margin, double clutter, SplittableRandom random) {
    this.width = width;
    this.height = height;
    this.margin = margin;
    int bw = width + 2 * margin;
    int bh = height + 2 * margin;
    double[] base = randomColour(random);
    double[] other = randomColour(random);
    int texture = random.nextInt(5);
    double angle = Math.PI * random.nextDouble();
    double period = 6 + 14 * random.nextDouble();
    double[][] blobs = new double[6][];
    for (int k = 0; k < blobs.length; k++) {
      blobs[k] =
          new double[] {
            bw * random.nextDouble(),
            bh * random.nextDouble(),
            Math.min(bw, bh) * (0.1 + 0.25 * random.nextDouble())
          };
    }
    background = new float[bw * bh * 3];
    double[] sum = new double[3];
    for (int y = 0; y < bh; y++) {
      for (int x = 0; x < bw; x++) {
        double along = x * Math.cos(angle) + y * Math.sin(angle);
        double m =
            switch (texture) {
              case 1 -> along / Math.hypot(bw, bh) + 0.5;
              case 2 -> 0.5 + 0.5 * Math.sin(2 * Math.PI * along / period);
              case 3 ->
                  Math.floorMod((int) Math.floor(x / period) + (int) Math.floor(y / period), 2);
              case 4 -> {
                double v = 0;
                for (double[] b : blobs) {
                  double d2 = (x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1]);
                  v += Math.exp(-d2 / (2 * b[2] * b[2]));
                }
                yield Math.min(1, v);
              }
              default -> 0;
            };
        double w = clutter * Math.max(0, Math.min(1, m));
        for (int c = 0; c < 3; c++) {
          double value = base[c] * (1 - w) + other[c] * w;
          background[(y * bw + x) * 3 + c] = (float) value;
          sum[c] += value;
        }
      }
    }
    mean = new double[] {sum[0] / (bw * bh), sum[1] / (bw * bh), sum[2] / (bw * bh)};
  }

  /**
   * Returns the background's mean colour.
   *
   * @return RGB in [0, 1]
   */
  double[] meanColour() {
    return mean.clone();
  }

  /**
   * Renders one frame.
   *
   * @param looks the objects' appearances, drawn in order (later ones on top)
   * @param poses their poses at this frame
   * @param dx camera shift in columns
   * @param dy camera shift in rows
   * @param rgb receives {@code height * width * 3} values in [0, 1]
   */
  void render(List<Appearance> looks, List<MotionPattern.Pose> poses, int dx, int dy, float[] rgb) {
    int bw = width + 2 * margin;
    int ox = Math.max(-margin, Math.min(margin, dx)) + margin;
    int oy = Math.max(-margin, Math.min(margin, dy)) + margin;
    for (int y = 0; y < height; y++) {
      System.arraycopy(background, ((y + oy) * bw + ox) * 3, rgb, y * width * 3, width * 3);
    }
    for (int k = 0; k < looks.size(); k++) {
      draw(looks.get(k), poses.get(k), dx, dy, rgb);
    }
  }

  private void draw(Appearance look, MotionPattern.Pose pose, int dx, int dy, float[] rgb) {
    double cx = pose.x() - dx;
    double cy = pose.y() - dy;
    double side = pose.side();
    double reach = side * 0.75 * Math.max(1, look.aspect());
    int x0 = Math.max(0, (int) Math.floor(cx - reach));
    int x1 = Math.min(width - 1, (int) Math.ceil(cx + reach));
    int y0 = Math.max(0, (int) Math.floor(cy - reach));
    int y1 = Math.min(height - 1, (int) Math.ceil(cy + reach));
    double cos = Math.cos(pose.angle());
    double sin = Math.sin(pose.angle());
    double[] acc = new double[3];
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        int covered = 0;
        acc[0] = 0;
        acc[1] = 0;
        acc[2] = 0;
        for (int sy = 0; sy < 2; sy++) {
          for (int sx = 0; sx < 2; sx++) {
            double px = x + 0.25 + 0.5 * sx - cx;
            double py = y + 0.25 + 0.5 * sy - cy;
            double u = (cos * px + sin * py) / side;
            double v = (-sin * px + cos * py) / side;
            if (look.inside(u, v)) {
              double[] c = look.colour(u, v);
              acc[0] += c[0];
              acc[1] += c[1];
              acc[2] += c[2];
              covered++;
            }
          }
        }
        if (covered > 0) {
          int p = (y * width + x) * 3;
          double keep = 1 - covered / 4.0;
          for (int c = 0; c < 3; c++) {
            rgb[p + c] = (float) (rgb[p + c] * keep + acc[c] / 4.0);
          }
        }
      }
    }
  }

  /** A random colour: any hue, saturation 0.3-1, value 0.25-1. */
  static double[] randomColour(SplittableRandom random) {
    double h = random.nextDouble() * 6;
    double s = 0.3 + 0.7 * random.nextDouble();
    double v = 0.25 + 0.75 * random.nextDouble();
    int i = (int) Math.floor(h) % 6;
    double f = h - Math.floor(h);
    double p = v * (1 - s);
    double q = v * (1 - s * f);
    double t = v * (1 - s * (1 - f));
    return switch (i) {
      case 0 -> new double[] {v, t, p};
      case 1 -> new double[] {q, v, p};
      case 2 -> new double[] {p, v, t};
      case 3 -> new double[] {p, q, v};
      case 4 -> new double[] {t, p, v};
      default -> new double[] {v, p, q};
    };
  }

  /** Euclidean distance of two colours, scaled so that black to white is 1. */
  static double distance(double[] a, double[] b) {
    double d = 0;
    for (int c = 0; c < 3; c++) {
      d += (a[c] - b[c]) * (a[c] - b[c]);
    }
    return Math.sqrt(d / 3);
  }
}
