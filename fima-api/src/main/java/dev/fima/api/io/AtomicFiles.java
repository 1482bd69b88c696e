package dev.fima.api.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one atomic writer of FIMA-J: files and folders are written so that a reader never sees a
 * partial one (a checkpoint, report, split file, clip index, video or exported backbone). The
 * content goes to a temporary name in the same folder, is flushed to disk, then renamed over the
 * target in one step. A crash leaves either the old file or the new one, plus at worst a temporary
 * that the next writer ignores.
 */
public final class AtomicFiles {

  /** Prefix of temporary names; files and folders starting with it are never results. */
  public static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  /** Writes content into a stream. */
  @FunctionalInterface
  public interface StreamWriter {
    /**
     * Writes the content.
     *
     * @param out the stream, closed by the caller
     * @throws IOException when writing fails
     */
    void write(OutputStream out) throws IOException;
  }

  /** Fills a folder. */
  @FunctionalInterface
  public interface FolderWriter {
    /**
     * Writes the files of a folder.
     *
     * @param folder an empty folder
     * @throws IOException when writing fails
     */
    void write(Path folder) throws IOException;
  }

  /**
   * Writes a file atomically.
   *
   * @param target the file to create or replace
   * @param writer writes the content
   * @throws IOException when writing or renaming fails; the target is then unchanged
   */
  public static void write(Path target, StreamWriter writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = TempFiles.createFile(dir, TEMP_PREFIX + target.getFileName(), "");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        writer.write(out);
      }
      sync(temp);
      move(temp, target);
    } catch (IOException | RuntimeException e) {
      // A full disk is the usual cause: the partial file goes, and the cause is what is reported.
      removeQuietly(temp, e);
      throw e;
    }
  }

  /**
   * Writes a UTF-8 text file atomically.
   *
   * @param target the file to create or replace
   * @param text its content
   * @throws IOException when writing or renaming fails; the target is then unchanged
   */
  public static void writeString(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Puts a finished file under its real name in one step, replacing an existing one, for writers
   * that must write to a path of their own (FFmpeg writes a video to a file name whose extension
   * picks the container; a resumable job names its part files so that a rerun recognises them).
   *
   * @param finished the fully written file, in the target's folder
   * @param target the real name
   * @throws IOException when the move fails; the target is then unchanged
   */
  public static void replace(Path finished, Path target) throws IOException {
    move(finished, target);
  }

  /**
   * Creates a folder atomically: it is filled under a temporary name, then renamed. An existing
   * folder of the same name is replaced (moved aside first, deleted after).
   *
   * @param target the folder to create
   * @param writer fills it
   * @throws IOException when writing or renaming fails; the target is then unchanged
   */
  public static void writeFolder(Path target, FolderWriter writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = TempFiles.createFolder(dir, TEMP_PREFIX + target.getFileName());
    Path old = null;
    try {
      writer.write(temp);
      try (Stream<Path> files = Files.list(temp)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(f)) {
            sync(f);
          }
        }
      }
      if (Files.exists(target)) {
        old = TempFiles.createFolder(dir, TEMP_PREFIX + "old-" + target.getFileName());
        Files.delete(old);
        move(target, old);
      }
      move(temp, target);
    } catch (IOException | RuntimeException e) {
      removeQuietly(temp, e);
      if (old != null && !Files.exists(target)) {
        // The new folder could not take the old one's place: put the old one back.
        try {
          move(old, target);
        } catch (IOException | RuntimeException back) {
          e.addSuppressed(back);
        }
      }
      throw e;
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  /**
   * Deletes a partial write after a failure, recording a failure to delete on the original error
   * rather than replacing it.
   */
  private static void removeQuietly(Path partial, Exception failure) {
    try {
      deleteTree(partial);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Deletes a file or folder with everything in it; does nothing when it does not exist.
   *
   * @param root the file or folder
   * @throws IOException when a file cannot be deleted
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void sync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }
}
