package dev.fima.datasets.video;

/**
 * What the clip index knows about one readable video, from a full decode ({@link
 * VideoReader#probe}).
 *
 * @param frames number of decodable video frames, as a full decode by FFmpeg counts them
 * @param fps frame rate in frames per second: the mean spacing of the frame timestamps, or the
 *     container's rate for a single frame
 * @param width native frame width in pixels
 * @param height native frame height in pixels
 * @param headerFrames the frame count the container header states, 0 when it states none; it may
 *     differ from {@code frames} in healthy files (an AVI counts its dropped-frame placeholders, a
 *     codec may skip a not-coded frame)
 * @param truncated whether the file was cut short: its header promises more frames than decode and
 *     reading it ended on a damaged packet or a read error
 * @param timestamps the presentation timestamp of every decodable frame
 */
public record VideoInfo(
    int frames,
    double fps,
    int width,
    int height,
    int headerFrames,
    boolean truncated,
    FrameTimestamps timestamps) {

  /** Checks that the timestamps cover the frames. */
  public VideoInfo {
    if (timestamps == null || timestamps.size() != frames) {
      throw new IllegalArgumentException(
          "need one timestamp per frame: " + frames + " frames, " + timestamps);
    }
  }

  /**
   * Describes a healthy constant-rate video whose frames are placed by count (for tests and callers
   * that know their files).
   *
   * @param frames number of frames, at least 1
   * @param fps frame rate
   * @param width frame width
   * @param height frame height
   */
  public VideoInfo(int frames, double fps, int width, int height) {
    this(frames, fps, width, height, frames, false, FrameTimestamps.counted(frames));
  }

  /**
   * Returns the number of windows of {@code windowFrames} consecutive frames with a step of one
   * frame (section 1.1 of the method notes).
   *
   * @param windowFrames frames per window
   * @return {@code max(0, frames - windowFrames + 1)}
   */
  public int windows(int windowFrames) {
    return Math.max(0, frames - windowFrames + 1);
  }

  /**
   * Describes a truncated file for reports: both frame counts.
   *
   * @return e.g. {@code "truncated: 10 of the 164 frames its header lists decode"}
   */
  public String truncation() {
    return "truncated: " + frames + " of the " + headerFrames + " frames its header lists decode";
  }
}
