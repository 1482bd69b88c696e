package dev.fima.eval.report;

import dev.fima.api.data.QuarantineEntry;
import dev.fima.eval.features.ClipFeatures;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Remarks that must travel with a result. */
public final class Notes {

  /** At most this many skipped videos are named one by one; the rest are counted. */
  private static final int LISTED = 20;

  private static final Logger LOG = LoggerFactory.getLogger(Notes.class);

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
    leftOut(notes, features.skipped(), part, features.size());
  }

  /**
   * Adds notes naming each video of one part of the split that was left out, and prints them on the
   * console as a warning (the run's end-of-job list; each was also reported when it happened).
   *
   * @param notes the list to add to
   * @param skipped the videos left out, with their reasons
   * @param part the part's name, e.g. {@code training}
   */
  public static void leftOut(List<String> notes, List<QuarantineEntry> skipped, String part) {
    leftOut(notes, skipped, part, -1);
  }

  private static void leftOut(
      List<String> notes, List<QuarantineEntry> skipped, String part, int used) {
    if (skipped.isEmpty()) {
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        skipped.size()
            + " "
            + part
            + " video(s) could not be used and are left out of every number"
            + (used >= 0 ? " (" + used + " used):" : ":"));
    for (int i = 0; i < Math.min(LISTED, skipped.size()); i++) {
      lines.add(
          "skipped " + part + " video " + skipped.get(i).video() + ": " + skipped.get(i).reason());
    }
    if (skipped.size() > LISTED) {
      lines.add("... and " + (skipped.size() - LISTED) + " more skipped " + part + " videos");
    }
    notes.addAll(lines);
    LOG.warn("{}", String.join("\n  ", lines));
  }
}
