package dev.fima.eval.report;

import dev.fima.api.DataException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader never sees a half-written one: the content goes to a temporary file
 * in the same folder, which then replaces the target in one atomic rename.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** Produces a file's content into a stream. */
  @FunctionalInterface
  public interface Writer {
    /**
     * Writes the content.
     *
     * @param out the stream
     * @throws IOException when writing fails
     */
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes a file atomically.
   *
   * @param file the target (its folder is created)
   * @param writer produces the content
   * @return the target
   * @throws DataException naming the file when it cannot be written
   */
  public static Path write(Path file, Writer writer) {
    Path folder = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(folder);
      Path tmp = Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          writer.write(out);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
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
   */
  public static Path writeString(Path file, String text) {
    return write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }
}
