package dev.fima.djl.train;

/**
 * Receives what a training loop reports: every step, every epoch end. Listeners run on the training
 * thread between steps, so they should be quick. (DJL's own {@code TrainingListener} is tied to its
 * {@code Trainer}, which cannot drive a model with a momentum side and queues.)
 */
public interface StepListener {

  /**
   * Called after every step.
   *
   * @param record the step's values and timings
   */
  default void onStep(StepRecord record) {}

  /**
   * Called when an epoch ends.
   *
   * @param record the epoch's means and timings
   */
  default void onEpoch(EpochRecord record) {}
}
