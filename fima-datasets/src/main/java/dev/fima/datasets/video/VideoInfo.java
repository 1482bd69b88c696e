package dev.fima.datasets.video;

/**
 * What the clip index needs to know about one readable video.
 *
 * @param frames number of decodable video frames
 * @param fps frame rate in frames per second
 * @param width native frame width in pixels
 * @param height native frame height in pixels
 */
public record VideoInfo(int frames, double fps, int width, int height) {

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
}
