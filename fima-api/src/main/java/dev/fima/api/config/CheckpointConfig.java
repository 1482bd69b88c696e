package dev.fima.api.config;

/**
 * When checkpoints are written, how many are kept, and when a run of failed steps stops training.
 *
 * @param everyEpochs write at the end of every this many epochs (and always after the last one)
 * @param everySteps also write every this many optimiser steps; 0 disables step checkpoints
 * @param keep how many of the newest checkpoints to keep
 * @param maxSkippedSteps stop training when this many consecutive steps were skipped for a
 *     non-finite loss or gradient; the last good checkpoint is kept and no new one is written from
 *     the failing state
 */
public record CheckpointConfig(int everyEpochs, int everySteps, int keep, int maxSkippedSteps) {

  /**
   * Default of {@link #maxSkippedSteps}: a few bad batches are tolerated, a diverged run is not.
   */
  public static final int DEFAULT_MAX_SKIPPED_STEPS = 10;

  /** Validates the ranges. */
  public CheckpointConfig {
    Check.atLeast("everyEpochs", everyEpochs, 1);
    Check.atLeast("everySteps", everySteps, 0);
    Check.atLeast("keep", keep, 1);
    Check.atLeast("maxSkippedSteps", maxSkippedSteps, 1);
  }

  /**
   * Creates a policy with the default {@link #DEFAULT_MAX_SKIPPED_STEPS}.
   *
   * @param everyEpochs write at the end of every this many epochs (and always after the last one)
   * @param everySteps also write every this many optimiser steps; 0 disables step checkpoints
   * @param keep how many of the newest checkpoints to keep
   */
  public CheckpointConfig(int everyEpochs, int everySteps, int keep) {
    this(everyEpochs, everySteps, keep, DEFAULT_MAX_SKIPPED_STEPS);
  }

  /**
   * Returns the reference policy: every 10 epochs, the newest 3 kept, stop after 10 skipped steps.
   *
   * @return the defaults
   */
  public static CheckpointConfig defaults() {
    return new CheckpointConfig(10, 0, 3);
  }
}
