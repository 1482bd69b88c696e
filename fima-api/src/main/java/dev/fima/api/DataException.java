package dev.fima.api;

import java.nio.file.Path;

/**
 * Input data that cannot be used: a missing or malformed file, a split naming a video that is not
 * on disk, a folder that does not have the expected layout. The message names the path.
 */
public final class DataException extends FimaException {

  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /**
   * Creates an error about one file or folder.
   *
   * @param path the file or folder at fault
   * @param message what is wrong with it
   */
  public DataException(Path path, String message) {
    super(path + ": " + message);
    this.path = path;
  }

  /**
   * Creates an error about one file or folder, with its cause.
   *
   * @param path the file or folder at fault
   * @param message what is wrong with it
   * @param cause the underlying failure
   */
  public DataException(Path path, String message, Throwable cause) {
    super(path + ": " + message, cause);
    this.path = path;
  }

  /**
   * Returns the file or folder at fault.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }
}
