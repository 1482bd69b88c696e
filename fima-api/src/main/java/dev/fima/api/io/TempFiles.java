package dev.fima.api.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary files and folders beside a result, created with the user's default permissions (the
 * umask) rather than {@link Files#createTempFile}'s owner-only 0600 and 0700: they are renamed into
 * the results themselves (checkpoints, reports, videos), which the user's group may need to read.
 */
public final class TempFiles {

  private TempFiles() {}

  /**
   * Creates a new empty file with a unique name in a folder.
   *
   * @param dir the folder, which must exist
   * @param prefix start of the name
   * @param suffix end of the name
   * @return the new file
   * @throws IOException when the file cannot be created
   */
  public static Path createFile(Path dir, String prefix, String suffix) throws IOException {
    while (true) {
      try {
        return Files.createFile(dir.resolve(uniqueName(prefix, suffix)));
      } catch (FileAlreadyExistsException taken) {
        // Another writer had the same random name: draw again.
      }
    }
  }

  /**
   * Creates a new empty folder with a unique name in a folder.
   *
   * @param dir the folder, which must exist
   * @param prefix start of the name
   * @return the new folder
   * @throws IOException when the folder cannot be created
   */
  public static Path createFolder(Path dir, String prefix) throws IOException {
    while (true) {
      try {
        return Files.createDirectory(dir.resolve(uniqueName(prefix, "")));
      } catch (FileAlreadyExistsException taken) {
        // Another writer had the same random name: draw again.
      }
    }
  }

  private static String uniqueName(String prefix, String suffix) {
    return prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + suffix;
  }
}
