package dev.fima.api.config;

/**
 * When checkpoints are written and how many are kept.
 *
 * @param everyEpochs write at the end of every this many epochs (and always after the last one)
 * @param everySteps also write every this many optimiser steps; 0 disables step checkpoints
 * @param keep how many of the newest checkpoints to keep
 */
public record CheckpointConfig(int everyEpochs, int everySteps, int keep) {

  /** Validates the ranges. */
  public CheckpointConfig {
    Check.atLeast("everyEpochs", everyEpochs, 1);
    Check.atLeast("everySteps", everySteps, 0);
    Check.atLeast("keep", keep, 1);
  }

  /**
   * Returns the reference policy: every 10 epochs, the newest 3 kept.
   *
   * @return the defaults
   */
  public static CheckpointConfig defaults() {
    return new CheckpointConfig(10, 0, 3);
  }
}
