package dev.fima.api.config;

/**
 * The generated motion-video dataset: random appearance, class defined by motion only, written as
 * real video files in the UCF101 layout with split files.
 *
 * @param output dataset root to write
 * @param classes number of motion classes
 * @param videosPerClass videos per class
 * @param frames frames per video
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param fps frame rate written into the files
 * @param testFraction fraction of each class listed in the test split files
 * @param seed generator seed; the same seed writes the same videos
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
    long seed) {

  /** Validates the ranges. */
  public SynthConfig {
    Check.present("output", output);
    Check.atLeast("classes", classes, 2);
    Check.atLeast("videosPerClass", videosPerClass, 2);
    Check.atLeast("frames", frames, 2);
    Check.atLeast("width", width, 16);
    Check.atLeast("height", height, 16);
    Check.atLeast("fps", fps, 1);
    Check.range("testFraction", testFraction, 0.01, 0.9);
  }

  /**
   * Returns a small dataset: 8 classes x 40 videos of 48 frames at 96x72, 25% test.
   *
   * @return the defaults
   */
  public static SynthConfig defaults() {
    return new SynthConfig("data/synthetic", 8, 40, 48, 96, 72, 25, 0.25, 7);
  }
}
