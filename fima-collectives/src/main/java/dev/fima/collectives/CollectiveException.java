package dev.fima.collectives;

import dev.fima.api.FimaException;

/**
 * A collective that did not complete: another rank stopped or got stuck, an operation ran out of
 * its timeout, the group did not form, or a rank's collective worker ended. The message names the
 * rank, the operation and its timeout. A group that threw it cannot be used any more; every rank of
 * a data-parallel run is expected to stop.
 */
public final class CollectiveException extends FimaException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message which rank, which operation, what went wrong
   */
  public CollectiveException(String message) {
    super(message);
  }

  /**
   * Creates the error with its cause.
   *
   * @param message which rank, which operation, what went wrong
   * @param cause the underlying failure
   */
  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
