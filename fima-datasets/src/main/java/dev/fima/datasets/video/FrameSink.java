package dev.fima.datasets.video;

/**
 * Receives the decoded frames of a window, one at a time, as packed BGR bytes. The buffer is reused
 * for the next frame: a sink copies what it needs before returning.
 */
@FunctionalInterface
public interface FrameSink {

  /**
   * Accepts one frame.
   *
   * @param offset index of the frame within the requested window, from 0
   * @param bgr packed rows of {@code width * 3} bytes (blue, green, red), {@code height} rows
   * @param width frame width in pixels
   * @param height frame height in pixels
   */
  void accept(int offset, byte[] bgr, int width, int height);
}
