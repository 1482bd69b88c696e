package dev.fima.api;

/** Base of every error FIMA-J raises on purpose: the message is meant for the user, as written. */
public class FimaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an error with a user-facing message.
   *
   * @param message what went wrong and, where possible, what to do about it
   */
  public FimaException(String message) {
    super(message);
  }

  /**
   * Creates an error with a user-facing message and its cause.
   *
   * @param message what went wrong and, where possible, what to do about it
   * @param cause the underlying failure
   */
  public FimaException(String message, Throwable cause) {
    super(message, cause);
  }
}
