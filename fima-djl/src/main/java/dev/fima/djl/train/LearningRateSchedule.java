package dev.fima.djl.train;

import dev.fima.api.config.OptimConfig;
import java.util.List;

/**
 * The learning rate at each step of a run (section 7 of the method notes): the configured rate
 * scaled linearly with the batch size, an optional linear warm-up over the first steps, then a
 * cosine, step or constant schedule.
 *
 * <ul>
 *   <li>warm-up ({@code W = warmupEpochs > 0}): step s of the run (0-based, {@code s = epoch *
 *       steps + batch}) gets {@code base * (s + 1) / (W * steps)} while {@code s < W * steps};
 *   <li>cosine: {@code base * (1 + cos(pi * (e - W) / (E - W))) / 2} for integer epoch e, updated
 *       once per epoch as the reference does ({@code lr * 0.5 * (1 + cos(pi * e / E))} when W = 0);
 *   <li>step: {@code base * gamma^k}, k the number of milestones at or below epoch e;
 *   <li>constant: {@code base}.
 * </ul>
 */
public final class LearningRateSchedule {

  private final double base;
  private final OptimConfig optim;
  private final int epochs;

  private LearningRateSchedule(double base, OptimConfig optim, int epochs) {
    this.base = base;
    this.optim = optim;
    this.epochs = epochs;
  }

  /**
   * Builds the schedule of a run.
   *
   * @param optim the optimiser settings
   * @param batchSize the run's batch size, for {@link OptimConfig#scaledLr}
   * @param epochs the run's length
   * @return the schedule
   */
  public static LearningRateSchedule of(OptimConfig optim, int batchSize, int epochs) {
    return new LearningRateSchedule(optim.scaledLr(batchSize), optim, epochs);
  }

  /**
   * Returns the base rate after batch-size scaling.
   *
   * @return the peak rate
   */
  public double baseRate() {
    return base;
  }

  /**
   * Returns the learning rate of one step.
   *
   * @param epoch 0-based epoch
   * @param batch 0-based batch within the epoch
   * @param batchesPerEpoch steps per epoch
   * @return the rate
   */
  public double rate(int epoch, int batch, int batchesPerEpoch) {
    double warmup = optim.warmupEpochs();
    double warmupSteps = warmup * batchesPerEpoch;
    double step = (double) epoch * batchesPerEpoch + batch;
    if (warmup > 0 && step < warmupSteps) {
      return base * (step + 1) / warmupSteps;
    }
    return switch (optim.schedule()) {
      case CONSTANT -> base;
      case STEP -> base * Math.pow(optim.gamma(), passed(optim.milestones(), epoch));
      case COSINE -> {
        double span = epochs - warmup;
        double progress = span <= 0 ? 0 : Math.max(0, epoch - warmup) / span;
        yield base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
      }
    };
  }

  private static int passed(List<Integer> milestones, int epoch) {
    int k = 0;
    for (int m : milestones) {
      if (m <= epoch) {
        k++;
      }
    }
    return k;
  }
}
