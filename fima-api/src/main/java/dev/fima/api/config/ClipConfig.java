package dev.fima.api.config;

/**
 * How clips are cut from a video (section 1.1 of the method notes). A window of {@code frames *
 * stride} consecutive raw frames gives the strided global clip ({@code frames} frames, every {@code
 * stride}-th) and {@code localClips} consecutive local clips that split the window evenly.
 *
 * @param frames frames per (global) clip, T
 * @param stride temporal stride of the global clip in raw frames
 * @param crop spatial side S of every clip after cropping, in pixels
 * @param localClips number of consecutive local clips per window; FIMA matches it to the number of
 *     temporal slices T' of the backbone's final feature map
 */
public record ClipConfig(int frames, int stride, int crop, int localClips) {

  /** Validates the ranges and that the window splits evenly into local clips. */
  public ClipConfig {
    Check.atLeast("frames", frames, 2);
    Check.atLeast("stride", stride, 1);
    Check.atLeast("crop", crop, 16);
    Check.atLeast("localClips", localClips, 1);
    Check.that(
        (frames * stride) % localClips == 0,
        "localClips",
        "the window of frames*stride = "
            + frames * stride
            + " raw frames must split evenly into "
            + localClips
            + " local clips");
  }

  /**
   * Returns the reference setting: 16 frames at stride 2, 112-pixel crops, 2 local clips.
   *
   * @return the defaults
   */
  public static ClipConfig defaults() {
    return new ClipConfig(16, 2, 112, 2);
  }

  /**
   * Returns the number of consecutive raw frames one sampling window spans.
   *
   * @return {@code frames * stride}
   */
  public int windowFrames() {
    return frames * stride;
  }

  /**
   * Returns the number of consecutive raw frames in one local clip.
   *
   * @return {@code windowFrames() / localClips}
   */
  public int localClipFrames() {
    return windowFrames() / localClips;
  }
}
