package dev.fima.datasets.io;

import dev.fima.api.io.TempFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts a fully written file under its real name in one step, so that an interrupted write never
 * leaves half a video, split file or index under a name a reader trusts.
 */
public final class AtomicMove {

  private AtomicMove() {}

  /**
   * Moves a finished temporary file over its target, atomically where the file system can.
   *
   * @param tmp the finished file, in the target's folder
   * @param target the real name; an existing file is replaced
   * @throws IOException when the move fails
   */
  public static void replace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Writes a UTF-8 text file through a temporary file beside it, creating the folder if needed.
   *
   * @param file the file to write
   * @param text its content
   * @throws IOException when the folder, the temporary file or the move fails (the temporary file
   *     is removed)
   */
  public static void writeString(Path file, String text) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path tmp = TempFiles.createFile(folder, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      replace(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
