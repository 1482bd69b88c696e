package dev.fima.datasets.loader;

import dev.fima.datasets.augment.CropResizer;

/**
 * Where one clip of a sample goes: its crop and resize, and its place in a {@code [3, T, S, S]}
 * float buffer (which is usually a slot of a whole batch's buffer).
 *
 * @param resizer the clip's crop, resize and flip
 * @param buffer the buffer
 * @param offset index of the clip's first value in the buffer
 * @param frames T, frames of the clip
 */
public record ClipTarget(CropResizer resizer, float[] buffer, int offset, int frames) {

  /**
   * Writes one frame of the clip.
   *
   * @param bgr the decoded frame
   * @param width its width in pixels
   * @param t the frame's time index in the clip
   */
  void write(byte[] bgr, int width, int t) {
    int plane = resizer.size() * resizer.size();
    resizer.resize(bgr, width, buffer, offset + t * plane, frames * plane);
  }
}
