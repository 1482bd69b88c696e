package dev.fima.api;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Input data that cannot be used: a missing or malformed file, a split naming a video that is not
 * on disk, a folder that does not have the expected layout; or an output that cannot be written (a
 * read-only folder, a full disk). The message names the path.
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
   * Creates the error for an output that could not be written, saying what was being written and
   * why in words (an {@link AccessDeniedException} carries only a file name as its message).
   *
   * @param path the file or folder being written
   * @param what what it is, e.g. {@code "the checkpoint"}
   * @param cause the failure
   * @return the error
   */
  public static DataException cannotWrite(Path path, String what, IOException cause) {
    return new DataException(path, "cannot write " + what + ": " + reason(cause), cause);
  }

  /**
   * Describes an I/O failure in words, with the file it concerns when that is known.
   *
   * @param e the failure
   * @return for example {@code /data/run/.tmp-x: permission denied} or {@code No space left on
   *     device}
   */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException f) {
      String reason = f.getReason() != null ? f.getReason() : kind(f);
      return f.getFile() == null ? reason : f.getFile() + ": " + reason;
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** Words for the file-system failures whose exceptions carry no reason of their own. */
  private static String kind(FileSystemException f) {
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (f instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (f instanceof FileAlreadyExistsException) {
      return "a file of that name is in the way";
    }
    if (f instanceof NotDirectoryException) {
      return "not a folder";
    }
    return f.getClass().getSimpleName();
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
