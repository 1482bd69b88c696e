package dev.fima.api.jobs;

import dev.fima.api.FimaException;
import java.nio.file.Path;

/**
 * A training job ended early on request (a signal) after writing a checkpoint; the message says
 * where it stopped and how to continue.
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
