package dev.fima.eval.finetune;

import dev.fima.eval.metrics.ClassificationMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validations of a fine-tuning run so far and the epoch they choose: the one with the highest
 * validation top-1, the earliest of equals. Saved in every checkpoint, so that a resumed run keeps
 * its choice.
 *
 * @param validations one entry per validation: {@code epoch} (1-based), {@code top1}, {@code top5},
 *     ...
 * @param bestEpoch the 1-based epoch with the highest validation top-1 so far, 0 for none
 * @param bestValidationTop1 that top-1, -1 for none
 */
public record ValidationHistory(
    List<Map<String, Double>> validations, int bestEpoch, double bestValidationTop1) {

  /** The history of a run without a validation yet. */
  public static final ValidationHistory NONE = new ValidationHistory(List.of(), 0, -1);

  /** Copies the list. */
  public ValidationHistory {
    validations = validations == null ? List.of() : List.copyOf(validations);
  }

  /**
   * Returns the history with one more validation.
   *
   * @param epoch the 1-based epoch validated
   * @param metrics its validation metrics
   * @return the new history; its best epoch is {@code epoch} when its top-1 beats every earlier one
   */
  public ValidationHistory with(int epoch, ClassificationMetrics metrics) {
    Map<String, Double> point = new LinkedHashMap<>();
    point.put("epoch", (double) epoch);
    point.putAll(metrics.asMetrics(5));
    List<Map<String, Double>> all = new ArrayList<>(validations);
    all.add(point);
    double top1 = metrics.top1();
    return top1 > bestValidationTop1
        ? new ValidationHistory(all, epoch, top1)
        : new ValidationHistory(all, bestEpoch, bestValidationTop1);
  }

  /**
   * Tells whether an epoch is the best so far.
   *
   * @param epoch a 1-based epoch
   * @return true when it is {@link #bestEpoch}
   */
  public boolean isBest(int epoch) {
    return epoch > 0 && epoch == bestEpoch;
  }
}
