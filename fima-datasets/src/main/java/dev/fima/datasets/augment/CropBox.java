package dev.fima.datasets.augment;

/**
 * A rectangle of a frame that is cut out and resized to the clip size, and whether the result is
 * mirrored left to right. The same box is used for every frame of a clip.
 *
 * @param top first row, i
 * @param left first column, j
 * @param height rows, h
 * @param width columns, w
 * @param frameHeight rows of the frame, H
 * @param frameWidth columns of the frame, W
 * @param flipped whether the clip is mirrored horizontally after cropping
 */
public record CropBox(
    int top, int left, int height, int width, int frameHeight, int frameWidth, boolean flipped) {

  /** Checks that the box lies inside the frame. */
  public CropBox {
    if (height < 1 || width < 1 || top < 0 || left < 0) {
      throw new IllegalArgumentException("empty or negative crop " + height + "x" + width);
    }
    if (top + height > frameHeight || left + width > frameWidth) {
      throw new IllegalArgumentException(
          "crop ("
              + top
              + ","
              + left
              + ","
              + height
              + ","
              + width
              + ") leaves the "
              + frameHeight
              + "x"
              + frameWidth
              + " frame");
    }
  }

  /**
   * Returns the box's normalised coordinates {@code (x1, y1, x2, y2)} as the reference records them
   * (section 1.2): {@code [j/(W-1), i/(H-1), (j+w-1)/(W-1), (i+h-1)/(H-1)]}, with x1 and x2 swapped
   * when the clip is flipped, so that the projected cell centres run right to left like the flipped
   * pixels.
   *
   * @return the four coordinates
   */
  public float[] coords() {
    double dx = Math.max(1, frameWidth - 1);
    double dy = Math.max(1, frameHeight - 1);
    float x1 = (float) (left / dx);
    float y1 = (float) (top / dy);
    float x2 = (float) ((left + width - 1) / dx);
    float y2 = (float) ((top + height - 1) / dy);
    return flipped ? new float[] {x2, y1, x1, y2} : new float[] {x1, y1, x2, y2};
  }

  /**
   * Returns the same box mirrored or not.
   *
   * @param flip whether the clip is mirrored
   * @return the box with that flag
   */
  public CropBox withFlip(boolean flip) {
    return new CropBox(top, left, height, width, frameHeight, frameWidth, flip);
  }
}
