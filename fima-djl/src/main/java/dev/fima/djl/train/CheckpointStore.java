package dev.fima.djl.train;

import dev.fima.api.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of a run: one folder per checkpoint, named {@code checkpoint-<sequence>} with a
 * zero-padded sequence number (the global step), written atomically ({@link AtomicFiles}), of which
 * only the newest {@code keep} are kept. What goes inside a checkpoint is the caller's business, so
 * pretraining and fine-tuning share the store.
 */
public final class CheckpointStore {

  /** Name prefix of checkpoint folders. */
  public static final String PREFIX = "checkpoint-";

  /** Name of the checkpoint folder inside a run folder. */
  public static final String FOLDER = "checkpoints";

  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)");

  private final Path directory;
  private final int keep;

  /**
   * Opens a store; the folder is created on the first write.
   *
   * @param directory folder holding the checkpoints
   * @param keep how many of the newest checkpoints to keep, at least 1
   */
  public CheckpointStore(Path directory, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1, got " + keep);
    }
    this.directory = directory;
    this.keep = keep;
  }

  /**
   * Returns the folder holding the checkpoints.
   *
   * @return the folder
   */
  public Path directory() {
    return directory;
  }

  /**
   * Writes a checkpoint atomically, replacing one with the same sequence number, then deletes all
   * but the newest {@code keep}.
   *
   * @param sequence ordering number, such as the global step
   * @param contents fills the checkpoint folder
   * @return the checkpoint folder
   * @throws IOException when writing fails; earlier checkpoints are then untouched
   */
  public Path write(long sequence, AtomicFiles.FolderWriter contents) throws IOException {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
    }
    Path target = directory.resolve(String.format("%s%012d", PREFIX, sequence));
    AtomicFiles.writeFolder(target, contents);
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      AtomicFiles.deleteTree(all.get(i));
    }
    return target;
  }

  /**
   * Lists the complete checkpoints, oldest first.
   *
   * @return the checkpoint folders
   */
  public List<Path> list() {
    return list(directory);
  }

  /**
   * Returns the newest checkpoint.
   *
   * @return the newest checkpoint folder, if any
   */
  public Optional<Path> latest() {
    List<Path> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * Resolves what a user named: a checkpoint folder itself, a folder of checkpoints, or a run
   * folder with a {@code checkpoints} subfolder (its newest checkpoint).
   *
   * @param path the named path
   * @return the checkpoint folder
   * @throws DataException naming the path when it holds no checkpoint
   */
  public static Path resolve(Path path) {
    if (!Files.isDirectory(path)) {
      throw new DataException(
          path,
          Files.exists(path) ? "not a checkpoint folder" : "no such checkpoint or run folder");
    }
    if (sequence(path) >= 0) {
      return path;
    }
    List<Path> candidates = list(path.resolve(FOLDER));
    if (candidates.isEmpty()) {
      candidates = list(path);
    }
    if (candidates.isEmpty()) {
      throw new DataException(
          path, "holds no " + PREFIX + "* folder (nor a " + FOLDER + " folder with one)");
    }
    return candidates.get(candidates.size() - 1);
  }

  /**
   * Returns the sequence number of a checkpoint folder.
   *
   * @param checkpoint the folder
   * @return its sequence number, or -1 when the name is not a checkpoint's
   */
  public static long sequence(Path checkpoint) {
    Path name = checkpoint.getFileName();
    if (name == null) {
      return -1;
    }
    Matcher m = NAME.matcher(name.toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static List<Path> list(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      List<Path> found = new ArrayList<>();
      for (Path p : (Iterable<Path>) entries::iterator) {
        if (Files.isDirectory(p) && sequence(p) >= 0) {
          found.add(p);
        }
      }
      found.sort(Comparator.comparingLong(CheckpointStore::sequence));
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
