package dev.fima.eval.report;

import dev.fima.api.data.QuarantineEntry;
import dev.fima.eval.features.ClipFeatures;
import java.util.List;

/** Remarks that must travel with a result. */
public final class Notes {

  /** At most this many skipped videos are named one by one; the rest are counted. */
  private static final int LISTED = 20;

  private Notes() {}

  /**
   * Adds notes on how the videos were read: clips of videos shorter than one window (kept, their
   * last frame repeated) and each video that could not be decoded and has no result, so that a
   * smaller or padded evaluation set is never silent (the reference skips short videos without a
   * word).
   *
   * @param notes the list to add to
   * @param features features of one part of the split
   * @param part the part's name, e.g. {@code test}
   */
  public static void decoding(List<String> notes, ClipFeatures features, String part) {
    if (features.clampedViews() > 0) {
      notes.add(
          features.clampedViews()
              + " "
              + part
              + " clip(s) came from videos shorter than one window; their missing frames repeat"
              + " the last decoded frame (kept, where the reference skips such videos)");
    }
    List<QuarantineEntry> skipped = features.skipped();
    if (skipped.isEmpty()) {
      return;
    }
    notes.add(
        skipped.size()
            + " "
            + part
            + " video(s) could not be decoded and are left out of every number ("
            + features.size()
            + " used):");
    for (int i = 0; i < Math.min(LISTED, skipped.size()); i++) {
      notes.add(
          "skipped " + part + " video " + skipped.get(i).video() + ": " + skipped.get(i).reason());
    }
    if (skipped.size() > LISTED) {
      notes.add("... and " + (skipped.size() - LISTED) + " more skipped " + part + " videos");
    }
  }
}
