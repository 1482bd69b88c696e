package dev.fima.api.config;

/**
 * {@code fima prepare}: rescale and re-encode a dataset into a new folder with the same layout,
 * file names and split files, the step the reference's users take by hand before training (its
 * README asks for videos rescaled to a short side of 256). Every frame that decodes is written, in
 * order, at the source's average rate, with a key frame every {@code keyFrameInterval} frames so
 * that a random window decodes at most that many frames before its first one.
 *
 * @param input the dataset root as downloaded
 * @param output the new root; a folder of its own (not inside {@code input}), empty or holding an
 *     earlier run of the same settings, which is then continued
 * @param shortSide the short side of the written frames in pixels (128 or 256 as the reference
 *     uses; even, the long side rounded to even too)
 * @param keyFrameInterval frames from one key frame to the next
 * @param codec the encoder for AVI, MP4, MOV and MKV files
 * @param quality quantiser of MPEG-4, Motion JPEG and MPEG-2, 1 (best) to 31; H.264 and VP8 get a
 *     bitrate of 0.15 bits per pixel and frame instead
 * @param workers files converted at once, each on one thread
 */
public record PrepareConfig(
    String input,
    String output,
    int shortSide,
    int keyFrameInterval,
    VideoCodec codec,
    int quality,
    int workers) {

  /** Validates the ranges. */
  public PrepareConfig {
    Check.atLeast("shortSide", shortSide, 16);
    Check.that(shortSide % 2 == 0, "shortSide", "must be even (4:2:0 video), got " + shortSide);
    Check.range("keyFrameInterval", keyFrameInterval, 1, 600);
    Check.present("codec", codec);
    Check.range("quality", quality, 1, 31);
    Check.atLeast("workers", workers, 1);
  }

  /**
   * Returns a short side of 256, a key frame every 16 frames, MPEG-4 at quantiser 4, one worker per
   * core, and no folders set.
   *
   * @return the defaults
   */
  public static PrepareConfig defaults() {
    return new PrepareConfig(
        null,
        null,
        256,
        16,
        VideoCodec.MPEG4,
        4,
        Math.max(1, Runtime.getRuntime().availableProcessors()));
  }
}
