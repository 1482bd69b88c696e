package dev.fima.djl.train;

import java.nio.file.Path;

/**
 * The message of a training run stopped by a run of non-finite steps ({@code
 * checkpoint.maxSkippedSteps}), the same for every training loop so that users meet one wording.
 */
public final class Divergence {

  private Divergence() {}

  /**
   * Returns the message, ending after the advice so that a loop can add how to continue.
   *
   * @param what the training that stopped, e.g. {@code "training"} or {@code "fine-tuning"}
   * @param step the last step
   * @param consecutive how many steps in a row were skipped
   * @param maxSkippedSteps the configured limit
   * @param lastGood the newest checkpoint kept, or {@code null} when none had been written
   * @return {@code "<what> stopped at step S: N consecutive steps ... check the data"}
   */
  public static String message(
      String what, long step, int consecutive, int maxSkippedSteps, Path lastGood) {
    return what
        + " stopped at step "
        + step
        + ": "
        + consecutive
        + " consecutive steps had a non-finite loss or gradient"
        + " (checkpoint.maxSkippedSteps = "
        + maxSkippedSteps
        + "). "
        + (lastGood == null
            ? "No checkpoint had been written yet."
            : "The last good checkpoint, " + lastGood + ", is kept.")
        + " Lower optim.lr, set optim.gradClip, or check the data";
  }
}
