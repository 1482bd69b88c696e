package dev.fima.api.jobs;

import dev.fima.api.data.QuarantineEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a pretraining run that reached its configured epochs (a run stopped on request
 * ends with a {@link TrainingStoppedException} instead).
 *
 * @param outputDir run folder with checkpoints, metrics and the configuration
 * @param lastCheckpoint the newest checkpoint written
 * @param epochs epochs completed
 * @param steps optimiser steps completed
 * @param lastEpochLosses mean of each loss term over the last epoch, by term name
 * @param seconds wall-clock training time
 * @param leftOut the videos the run left out (before the first step or while it ran), with their
 *     reasons
 */
public record PretrainResult(
    Path outputDir,
    Path lastCheckpoint,
    int epochs,
    long steps,
    Map<String, Double> lastEpochLosses,
    double seconds,
    List<QuarantineEntry> leftOut) {

  /** Copies the list. */
  public PretrainResult {
    leftOut = List.copyOf(leftOut);
  }
}
