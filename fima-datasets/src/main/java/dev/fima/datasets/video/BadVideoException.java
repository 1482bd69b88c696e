package dev.fima.datasets.video;

import java.nio.file.Path;

/**
 * A video that cannot be used (unreadable, truncated, zero-length, no video stream). Loaders catch
 * it and quarantine the file with {@link #reason()}; it never ends an epoch.
 */
public final class BadVideoException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient Path video;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param video the file
   * @param reason why it cannot be used, phrased for the quarantine report
   * @param cause the underlying failure, or {@code null}
   */
  public BadVideoException(Path video, String reason, Throwable cause) {
    super(video + ": " + reason, cause);
    this.video = video;
    this.reason = reason;
  }

  /**
   * Returns the file.
   *
   * @return the video
   */
  public Path video() {
    return video;
  }

  /**
   * Returns the reason, without the path.
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }
}
