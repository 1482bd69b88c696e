package dev.fima.api.config;

import java.util.List;

/**
 * SGD settings. The learning rate is given for {@code referenceBatch} samples and scaled linearly
 * to the actual batch size ({@code lr * batch / referenceBatch}), as the reference scripts do by
 * hand (0.01 at 64 becomes 0.00375 at 24).
 *
 * @param lr base learning rate at {@code referenceBatch}
 * @param referenceBatch batch size at which {@code lr} applies
 * @param momentum SGD momentum
 * @param weightDecay L2 weight decay
 * @param schedule learning-rate schedule
 * @param warmupEpochs linear warm-up length in epochs (fractions allowed)
 * @param milestones epochs at which a step schedule multiplies the rate by {@code gamma}
 * @param gamma step-schedule factor
 * @param gradClip clip the global gradient norm to this value; 0 disables clipping
 */
public record OptimConfig(
    double lr,
    int referenceBatch,
    double momentum,
    double weightDecay,
    Schedule schedule,
    double warmupEpochs,
    List<Integer> milestones,
    double gamma,
    double gradClip) {

  /** Validates the ranges. */
  public OptimConfig {
    Check.positive("lr", lr);
    Check.atLeast("referenceBatch", referenceBatch, 1);
    Check.range("momentum", momentum, 0, 0.9999);
    Check.nonNegative("weightDecay", weightDecay);
    Check.present("schedule", schedule);
    Check.nonNegative("warmupEpochs", warmupEpochs);
    milestones = milestones == null ? List.of() : List.copyOf(milestones);
    Check.allPositive("milestones", milestones);
    Check.range("gamma", gamma, 0, 1);
    Check.nonNegative("gradClip", gradClip);
  }

  /**
   * Returns the reference pretraining optimiser: lr 0.01 at batch 64, momentum 0.9, weight decay
   * 1e-4, cosine schedule without warm-up.
   *
   * @return the defaults
   */
  public static OptimConfig defaults() {
    return new OptimConfig(0.01, 64, 0.9, 1e-4, Schedule.COSINE, 0, List.of(), 0.1, 0);
  }

  /**
   * Returns the learning rate scaled to a batch size.
   *
   * @param batchSize the actual batch size
   * @return {@code lr * batchSize / referenceBatch}
   */
  public double scaledLr(int batchSize) {
    return lr * batchSize / referenceBatch;
  }
}
