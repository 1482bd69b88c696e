package dev.fima.api.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import dev.fima.api.config.DiffMode;

/**
 * The frame-difference ("motion") clip of section 2 of the method notes, shared by the data side
 * and the model side so that both compute exactly the same thing.
 *
 * <p>For a clip {@code x} with values in [0, 1], frame {@code t} of the result is {@code (x_t -
 * x_{t-1} + 1) / 2}, so the result is also in [0, 1] and has the shape of {@code x}. The modes
 * differ only in frame 0: {@link DiffMode#WRAP} pairs it with the last frame (the reference's
 * circular roll), {@link DiffMode#ZERO_FIRST} sets it to 0.5 (no motion).
 */
public final class FrameDifference {

  private FrameDifference() {}

  /**
   * Computes the frame-difference clip.
   *
   * @param clip a clip {@code [..., C, T, H, W]} with the time axis third from the end
   * @param mode how frame 0 is formed
   * @return the difference clip, same shape, values in [0, 1] when the input is
   */
  public static NDArray compute(NDArray clip, DiffMode mode) {
    int timeAxis = clip.getShape().dimension() - 3;
    long frames = clip.getShape().get(timeAxis);
    if (frames < 2) {
      throw new IllegalArgumentException(
          "a frame difference needs at least 2 frames, got shape " + clip.getShape());
    }
    String lead = ":,".repeat(timeAxis);
    NDArray current = clip.get(new NDIndex(lead + "1:"));
    NDArray previous = clip.get(new NDIndex(lead + ":-1"));
    NDArray later = current.sub(previous).addi(1).divi(2);
    NDArray first =
        switch (mode) {
          case WRAP ->
              clip.get(new NDIndex(lead + "0:1"))
                  .sub(clip.get(new NDIndex(lead + "-1:")))
                  .addi(1)
                  .divi(2);
          case ZERO_FIRST -> clip.get(new NDIndex(lead + "0:1")).zerosLike().addi(0.5);
        };
    return NDArrays.concat(new ai.djl.ndarray.NDList(first, later), timeAxis);
  }
}
