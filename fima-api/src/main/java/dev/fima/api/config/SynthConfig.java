package dev.fima.api.config;

/**
 * The generated motion-video dataset: random appearance, class defined by motion only, written as
 * real video files in the UCF101 layout with split files. The generator's Javadoc (module
 * fima-datasets, {@code MotionVideoGenerator}) lists the motion classes; the knobs below set the
 * difficulty.
 *
 * @param output dataset root to write
 * @param classes number of motion classes
 * @param videosPerClass videos per class
 * @param frames frames per video
 * @param width frame width in pixels, even
 * @param height frame height in pixels, even
 * @param fps frame rate written into the files
 * @param testFraction fraction of each class listed in the test split files
 * @param seed generator seed; the same seed writes the same videos
 * @param minObjectSize smallest moving-object side as a fraction of the frame's short side
 * @param maxObjectSize largest moving-object side as a fraction of the frame's short side
 * @param objects moving objects per video, all performing the video's motion
 * @param distractors static objects per video, drawn from the same appearance distribution
 * @param speed multiplier of every motion's rate (1 = the documented base rates)
 * @param clutter contrast of the background texture, 0 (flat colour) to 1
 * @param noise standard deviation of fresh per-pixel noise in every frame, as a fraction of full
 *     scale
 * @param cameraJitter standard deviation of a random whole-frame shift per frame, in pixels
 * @param speedChange how much a video's rate of motion changes over time: the rate at frame t is
 *     multiplied by {@code exp(speedChange * sin(2 pi t / P + phi))}, with a period P uniform in 16
 *     to 32 frames and a phase phi drawn per video from a motion stream of its own (so appearance
 *     stays independent of it); 0 keeps every video's rate constant, as before this option
 */
public record SynthConfig(
    String output,
    int classes,
    int videosPerClass,
    int frames,
    int width,
    int height,
    int fps,
    double testFraction,
    long seed,
    double minObjectSize,
    double maxObjectSize,
    int objects,
    int distractors,
    double speed,
    double clutter,
    double noise,
    double cameraJitter,
    double speedChange) {

  /** Validates the ranges. */
  public SynthConfig {
    Check.present("output", output);
    Check.atLeast("classes", classes, 2);
    Check.atLeast("videosPerClass", videosPerClass, 2);
    Check.atLeast("frames", frames, 2);
    Check.atLeast("width", width, 16);
    Check.atLeast("height", height, 16);
    Check.that(width % 2 == 0, "width", "must be even (4:2:0 video), got " + width);
    Check.that(height % 2 == 0, "height", "must be even (4:2:0 video), got " + height);
    Check.atLeast("fps", fps, 1);
    Check.range("testFraction", testFraction, 0.01, 0.9);
    Check.range("minObjectSize", minObjectSize, 0.02, 1);
    Check.range("maxObjectSize", maxObjectSize, minObjectSize, 1);
    Check.atLeast("objects", objects, 1);
    Check.atLeast("distractors", distractors, 0);
    Check.range("speed", speed, 0.05, 20);
    Check.range("clutter", clutter, 0, 1);
    Check.range("noise", noise, 0, 0.5);
    Check.range("cameraJitter", cameraJitter, 0, 16);
    Check.range("speedChange", speedChange, 0, 3);
  }

  /**
   * Returns a small dataset: 8 classes x 40 videos of 48 frames at 96x72, 25% test; one large
   * moving object (30-50% of the short side), no distractors, base speed, mild clutter (0.3), a
   * little noise (0.02), no camera jitter, constant rates of motion.
   *
   * @return the defaults
   */
  public static SynthConfig defaults() {
    return new SynthConfig(
        "data/synthetic", 8, 40, 48, 96, 72, 25, 0.25, 7, 0.3, 0.5, 1, 0, 1.0, 0.3, 0.02, 0.0, 0.0);
  }
}
