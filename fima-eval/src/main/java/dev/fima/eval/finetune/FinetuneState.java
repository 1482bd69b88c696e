package dev.fima.eval.finetune;

import java.util.List;
import java.util.Map;

/**
 * Where a fine-tuning run stands, saved in every checkpoint ({@code state.json}) so that a resumed
 * run continues exactly: the next epoch and batch, the global step, and the validation history with
 * its best epoch.
 *
 * @param nextEpoch the epoch to continue in
 * @param nextBatch the batch of that epoch to continue at
 * @param step optimiser steps done
 * @param validations one entry per validation: {@code epoch}, {@code top1}, {@code top5}, ...
 * @param bestEpoch the 1-based epoch with the highest validation top-1 so far, 0 for none
 * @param bestValidationTop1 that top-1, -1 for none
 */
public record FinetuneState(
    int nextEpoch,
    int nextBatch,
    long step,
    List<Map<String, Double>> validations,
    int bestEpoch,
    double bestValidationTop1) {

  /** Copies the history. */
  public FinetuneState {
    validations = validations == null ? List.of() : List.copyOf(validations);
  }

  /**
   * Returns the state of a run that has not started.
   *
   * @return epoch 0, batch 0, no step, no validation
   */
  public static FinetuneState start() {
    return new FinetuneState(0, 0, 0, List.of(), 0, -1);
  }
}
