package dev.fima.api.jobs;

import dev.fima.api.FimaException;
import java.nio.file.Path;

/**
 * A training run ended early on request ({@link Stoppable#requestStop}, which the command line
 * calls on a signal) after writing a checkpoint; the message says where it stopped and how to
 * continue. Every training job reports a stop this way, since a stopped run has not produced what
 * the job returns.
 */
public final class TrainingStoppedException extends FimaException {

  private static final long serialVersionUID = 1L;

  private final transient Path checkpoint;

  /**
   * Creates the notice.
   *
   * @param message where the job stopped and how to resume it
   * @param checkpoint the checkpoint written at the stop
   */
  public TrainingStoppedException(String message, Path checkpoint) {
    super(message);
    this.checkpoint = checkpoint;
  }

  /**
   * Returns the checkpoint written at the stop.
   *
   * @return the checkpoint folder
   */
  public Path checkpoint() {
    return checkpoint;
  }
}
