package dev.fima.eval.features;

import dev.fima.api.FimaException;
import dev.fima.api.data.QuarantineEntry;
import java.util.List;

/**
 * Pooled backbone features of the views (clips x crops) of a list of videos, kept in host memory.
 *
 * @param views views per video, K
 * @param channels feature size, C
 * @param values {@code [N, K, C]} row-major
 * @param labels {@code [N]} class of each video
 * @param videoIndices {@code [N]} index of each video in the list it was extracted from
 * @param skipped videos of that list that could not be decoded and have no features
 * @param clampedViews views cut from videos shorter than one window, whose missing frames repeat
 *     the last decoded frame (kept, not skipped, unlike the reference)
 */
public record ClipFeatures(
    int views,
    int channels,
    float[] values,
    int[] labels,
    int[] videoIndices,
    List<QuarantineEntry> skipped,
    long clampedViews) {

  /** Checks the sizes agree. */
  public ClipFeatures {
    if (labels.length != videoIndices.length
        || values.length != (long) labels.length * views * channels) {
      throw new IllegalArgumentException(
          "inconsistent features: "
              + values.length
              + " values for "
              + labels.length
              + " videos x "
              + views
              + " views x "
              + channels
              + " channels");
    }
    skipped = List.copyOf(skipped);
  }

  /**
   * Returns the number of videos with features.
   *
   * @return N
   */
  public int size() {
    return labels.length;
  }

  /**
   * Returns one view's feature.
   *
   * @param video row index in {@code [0, N)}
   * @param view view index in {@code [0, K)}
   * @return a copy of the C values
   */
  public float[] view(int video, int view) {
    float[] out = new float[channels];
    System.arraycopy(values, (video * views + view) * channels, out, 0, channels);
    return out;
  }

  /**
   * Returns each video's feature averaged over its views.
   *
   * @return {@code [N][C]}
   */
  public float[][] averaged() {
    float[][] out = new float[size()][channels];
    for (int i = 0; i < size(); i++) {
      for (int v = 0; v < views; v++) {
        int base = (i * views + v) * channels;
        for (int c = 0; c < channels; c++) {
          out[i][c] += values[base + c];
        }
      }
      for (int c = 0; c < channels; c++) {
        out[i][c] /= views;
      }
    }
    return out;
  }

  /**
   * Fails when there is nothing to evaluate or the backbone produced non-finite values.
   *
   * @param part what the videos are, for the message, e.g. {@code test}
   * @throws FimaException when no video was decoded or a value is NaN or infinite
   */
  public void requireUsable(String part) {
    if (size() == 0) {
      throw new FimaException(
          "no " + part + " video could be decoded (" + skipped.size() + " skipped)");
    }
    if (!allFinite()) {
      throw new FimaException(
          "the backbone produced NaN or infinite features on the " + part + " videos");
    }
  }

  /**
   * Returns whether every value is finite (a diverged or broken backbone yields NaN).
   *
   * @return true when no value is NaN or infinite
   */
  public boolean allFinite() {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
