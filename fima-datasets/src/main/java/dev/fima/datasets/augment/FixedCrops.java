package dev.fima.datasets.augment;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic crops of evaluation: after the short side is resized to the clip size S, one
 * centre S x S crop, or three crops at the start, centre and end of the long side. In the frame's
 * own pixels this is a square whose side is the short side, resized to S; cropping before resizing
 * avoids resizing pixels that are then thrown away.
 */
public final class FixedCrops {

  private FixedCrops() {}

  /**
   * Returns the evaluation crops of a frame.
   *
   * @param frameHeight rows of the frame
   * @param frameWidth columns of the frame
   * @param count 1 (centre) or 3 (start, centre, end of the long side)
   * @return the boxes, in that order, none flipped
   */
  public static List<CropBox> of(int frameHeight, int frameWidth, int count) {
    if (count != 1 && count != 3) {
      throw new IllegalArgumentException("crops must be 1 or 3, got " + count);
    }
    int side = Math.min(frameHeight, frameWidth);
    int spareRows = frameHeight - side;
    int spareCols = frameWidth - side;
    List<CropBox> boxes = new ArrayList<>();
    int[] fractions = count == 1 ? new int[] {1} : new int[] {0, 1, 2};
    for (int f : fractions) {
      // f / 2 of the spare length: 0 = start, 1/2 = centre, 1 = end.
      boxes.add(
          new CropBox(
              spareRows * f / 2, spareCols * f / 2, side, side, frameHeight, frameWidth, false));
    }
    return boxes;
  }
}
