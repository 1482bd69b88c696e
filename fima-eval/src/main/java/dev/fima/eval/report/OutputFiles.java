package dev.fima.eval.report;

import dev.fima.api.DataException;
import dev.fima.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes result files through fima-djl's {@link AtomicFiles} (a reader never sees a half-written
 * file), turning a failure into a {@link DataException} that names the file.
 */
public final class OutputFiles {

  private OutputFiles() {}

  /**
   * Writes a file atomically.
   *
   * @param file the target (its folder is created)
   * @param writer produces the content
   * @return the target
   * @throws DataException naming the file when it cannot be written
   */
  public static Path write(Path file, AtomicFiles.StreamWriter writer) {
    try {
      AtomicFiles.write(file, writer);
      return file;
    } catch (IOException e) {
      throw new DataException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a UTF-8 text file atomically.
   *
   * @param file the target
   * @param text the content
   * @return the target
   * @throws DataException naming the file when it cannot be written
   */
  public static Path writeString(Path file, String text) {
    try {
      AtomicFiles.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new DataException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a folder atomically, replacing an existing one.
   *
   * @param folder the target
   * @param writer fills the (temporary) folder
   * @return the target
   * @throws DataException naming the folder when it cannot be written
   */
  public static Path writeFolder(Path folder, AtomicFiles.FolderWriter writer) {
    try {
      AtomicFiles.writeFolder(folder, writer);
      return folder;
    } catch (IOException e) {
      throw new DataException(folder, "cannot write: " + e.getMessage(), e);
    }
  }
}
