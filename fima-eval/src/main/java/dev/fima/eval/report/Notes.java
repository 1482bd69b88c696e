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
   * Adds a note for each video that had no features because it could not be decoded, so that a
   * smaller evaluation set is never silent (the reference skips short videos without a word).
   *
   * @param notes the list to add to
   * @param features features of one part of the split
   * @param part the part's name, e.g. {@code test}
   */
  public static void skipped(List<String> notes, ClipFeatures features, String part) {
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
