package dev.fima.datasets.synth;

import java.util.SplittableRandom;

/**
 * The motion classes of the generated dataset. Each class is a way of moving, whatever moves; no
 * two classes are mirror images of each other under a horizontal flip (the flip used by
 * pretraining), and the classes whose motion has a left/right sense (swings, spin, orbit) draw it
 * at random per object, so a flipped video still belongs to its class.
 *
 * <p>Rates are given at {@code speed = 1} for a frame whose short side is {@code L} pixels; each
 * video scales them by the configured speed times a random factor in [0.75, 1.25], and may change
 * them over time ({@link #changingClock}).
 */
public enum MotionPattern {
  /** Straight up at {@code 0.012 L} pixels per frame. */
  MOVE_UP("MoveUp"),
  /** Straight down at {@code 0.012 L} pixels per frame. */
  MOVE_DOWN("MoveDown"),
  /** Grows steadily: the side is multiplied by {@code e^0.012} per frame. */
  EXPAND("Expand"),
  /** Shrinks steadily: the side is divided by {@code e^0.012} per frame. */
  SHRINK("Shrink"),
  /** Swings left and right, amplitude {@code 0.18 L}, period 24 frames, random phase. */
  SWING_HORIZONTAL("SwingHorizontal"),
  /** Swings up and down, amplitude {@code 0.18 L}, period 24 frames, random phase. */
  SWING_VERTICAL("SwingVertical"),
  /** Spins in place at one turn per 48 frames, clockwise or anticlockwise at random. */
  SPIN("Spin"),
  /** Circles a point at radius {@code 0.2 L}, one turn per 48 frames, random direction. */
  ORBIT("Orbit"),
  /** Stays where it is. */
  STILL("Still"),
  /** Pulses: the side oscillates by 30% with a period of 24 frames, random phase. */
  PULSE("Pulse");

  private final String className;

  MotionPattern(String className) {
    this.className = className;
  }

  /**
   * Returns the class name used for folders and split files (UCF101 style, no spaces).
   *
   * @return the name
   */
  public String className() {
    return className;
  }

  /**
   * The pose of one object at one frame.
   *
   * @param x centre column
   * @param y centre row
   * @param side side length in pixels
   * @param angle rotation in radians
   */
  public record Pose(double x, double y, double side, double angle) {}

  /**
   * Draws the motion parameters of one object and returns its trajectory at a constant rate.
   *
   * @param width frame width
   * @param height frame height
   * @param frames frames of the video
   * @param side the object's base side in pixels
   * @param speed the rate multiplier of this video
   * @param random the object's random source
   * @return the pose at each frame
   */
  public Pose[] trajectory(
      int width, int height, int frames, double side, double speed, SplittableRandom random) {
    return trajectory(width, height, frames, side, speed, random, steadyClock(frames));
  }

  /**
   * Returns the clock of a constant rate: frame t happens at motion time t.
   *
   * @param frames frames of the video
   * @return {@code 0, 1, ..., frames - 1}
   */
  public static double[] steadyClock(int frames) {
    double[] clock = new double[frames];
    for (int t = 0; t < frames; t++) {
      clock[t] = t;
    }
    return clock;
  }

  /**
   * Returns a clock whose rate changes smoothly over the video: the motion time advances by {@code
   * exp(amount * sin(2 pi (t + 1/2) / P + phi))} from frame t to t + 1, with P uniform in [16, 32]
   * frames and phi uniform, scaled so that the mean rate over the video is 1. The motion keeps its
   * class (the same direction, only faster and slower by turns), and within a window the first and
   * second halves move at different rates.
   *
   * @param frames frames of the video
   * @param amount the log-amplitude of the rate changes; 0 gives {@link #steadyClock}
   * @param random the video's own rate stream
   * @return the motion time of every frame, starting at 0 and increasing
   */
  public static double[] changingClock(int frames, double amount, SplittableRandom random) {
    if (amount == 0) {
      return steadyClock(frames);
    }
    double period = 16 + 16 * random.nextDouble();
    double phase = 2 * Math.PI * random.nextDouble();
    double[] clock = new double[frames];
    for (int t = 1; t < frames; t++) {
      double rate = Math.exp(amount * Math.sin(2 * Math.PI * (t - 0.5) / period + phase));
      clock[t] = clock[t - 1] + rate;
    }
    // The mean rate over the video stays 1, so that the video covers the same motion in total.
    double scale = frames > 1 ? (frames - 1) / clock[frames - 1] : 1;
    for (int t = 0; t < frames; t++) {
      clock[t] *= scale;
    }
    return clock;
  }

  /**
   * Draws the motion parameters of one object and returns its trajectory on a clock: the pose of
   * frame t is the pose a constant-rate trajectory has at motion time {@code clock[t]}.
   *
   * @param width frame width
   * @param height frame height
   * @param frames frames of the video
   * @param side the object's base side in pixels
   * @param speed the rate multiplier of this video
   * @param random the object's random source
   * @param clock the motion time of every frame ({@link #steadyClock} or {@link #changingClock})
   * @return the pose at each frame
   */
  public Pose[] trajectory(
      int width,
      int height,
      int frames,
      double side,
      double speed,
      SplittableRandom random,
      double[] clock) {
    if (clock.length != frames) {
      throw new IllegalArgumentException(
          "a clock of " + clock.length + " frames for a video of " + frames);
    }
    double l = Math.min(width, height);
    double cx = width * (0.3 + 0.4 * random.nextDouble());
    double cy = height * (0.3 + 0.4 * random.nextDouble());
    double angle0 = 2 * Math.PI * random.nextDouble();
    double phase = 2 * Math.PI * random.nextDouble();
    double direction = random.nextBoolean() ? 1 : -1;
    // The middle of the video in motion time, so that linear motions are centred on (cx, cy).
    int below = (frames - 1) / 2;
    int above = frames / 2;
    double mid = (clock[below] + clock[above]) / 2;
    Pose[] poses = new Pose[frames];
    for (int f = 0; f < frames; f++) {
      double t = clock[f];
      double dt = t - mid;
      double x = cx;
      double y = cy;
      double s = side;
      double a = angle0;
      switch (this) {
        case MOVE_UP -> y = cy - 0.012 * l * speed * dt;
        case MOVE_DOWN -> y = cy + 0.012 * l * speed * dt;
        case EXPAND -> s = side * Math.exp(0.012 * speed * dt);
        case SHRINK -> s = side * Math.exp(-0.012 * speed * dt);
        case SWING_HORIZONTAL -> x = cx + 0.18 * l * Math.sin(2 * Math.PI * speed * t / 24 + phase);
        case SWING_VERTICAL -> y = cy + 0.18 * l * Math.sin(2 * Math.PI * speed * t / 24 + phase);
        case SPIN -> a = angle0 + direction * 2 * Math.PI * speed * t / 48;
        case ORBIT -> {
          double theta = phase + direction * 2 * Math.PI * speed * t / 48;
          x = cx + 0.2 * l * Math.cos(theta);
          y = cy + 0.2 * l * Math.sin(theta);
        }
        case PULSE -> s = side * (1 + 0.3 * Math.sin(2 * Math.PI * speed * t / 24 + phase));
        case STILL -> {
          // No motion: the pose stays at its start.
        }
      }
      poses[f] = new Pose(x, y, Math.max(2, s), a);
    }
    return poses;
  }
}
