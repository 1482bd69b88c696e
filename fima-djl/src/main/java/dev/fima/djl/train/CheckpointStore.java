package dev.fima.djl.train;

import dev.fima.api.DataException;
import dev.fima.api.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of a run: one folder per checkpoint, named {@code checkpoint-<sequence>} with a
 * zero-padded sequence number (the global step), written atomically ({@link AtomicFiles}), of which
 * only the newest {@code keep} are kept. What goes inside a checkpoint is the caller's business, so
 * pretraining and fine-tuning share the store.
 *
 * <p>Every checkpoint carries a {@link CheckpointManifest} (each file's length and CRC-32C), so
 * that a checkpoint damaged after its atomic rename (a disk that filled up, a copy cut short) is
 * recognised: resuming from a run folder then takes the newest intact checkpoint and says which it
 * passed over, and pruning never counts a damaged checkpoint among the kept ones, so no intact
 * checkpoint is deleted in its favour. Damaged checkpoints are reported, never deleted.
 */
public final class CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

  /** Name prefix of checkpoint folders. */
  public static final String PREFIX = "checkpoint-";

  /** Name of the checkpoint folder inside a run folder. */
  public static final String FOLDER = "checkpoints";

  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)");

  private static final double MB = 1024.0 * 1024.0;

  private final Path directory;
  private final int keep;
  private final FolderWrites writes;

  /**
   * How a checkpoint folder reaches the disk: {@link AtomicFiles#writeFolder} everywhere but in the
   * tests of a disk that fills up, which bind their own.
   */
  @FunctionalInterface
  public interface FolderWrites {
    /**
     * Writes a folder atomically.
     *
     * @param target the folder to create or replace
     * @param contents fills it
     * @throws IOException when writing fails; the target is then unchanged
     */
    void write(Path target, AtomicFiles.FolderWriter contents) throws IOException;
  }

  /**
   * Opens a store; the folder is created on the first write.
   *
   * @param directory folder holding the checkpoints
   * @param keep how many of the newest checkpoints to keep, at least 1
   */
  public CheckpointStore(Path directory, int keep) {
    this(directory, keep, AtomicFiles::writeFolder);
  }

  /**
   * Opens a store that writes its folders through {@code writes}.
   *
   * @param directory folder holding the checkpoints
   * @param keep how many of the newest checkpoints to keep, at least 1
   * @param writes how checkpoint folders are written
   */
  public CheckpointStore(Path directory, int keep, FolderWrites writes) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1, got " + keep);
    }
    this.directory = directory;
    this.keep = keep;
    this.writes = writes;
  }

  /**
   * Checks, before the first checkpoint, that the disk under the store can hold its checkpoints:
   * the {@code keep} kept ones and the next one while it is written.
   *
   * @param bytesPerCheckpoint the expected size of one checkpoint
   * @return a warning naming the free and the needed space when they are not all likely to fit
   * @throws DataException naming the folder when not even one checkpoint fits, so that no step is
   *     trained that could never be saved
   */
  public Optional<String> checkSpace(long bytesPerCheckpoint) {
    Path existing = directory.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return Optional.empty();
    }
    try {
      long usable = Files.getFileStore(existing).getUsableSpace();
      return checkSpace(directory, usable, bytesPerCheckpoint, keep, list().size());
    } catch (IOException e) {
      // A file system that does not report its space is no reason to refuse a run.
      return Optional.empty();
    }
  }

  /**
   * Compares free space with what the checkpoints need; {@link #checkSpace(long)} with the space
   * given.
   *
   * @param directory the checkpoint folder, for the messages
   * @param usable bytes free for this process
   * @param bytesPerCheckpoint the expected size of one checkpoint
   * @param keep checkpoints kept
   * @param written checkpoints already in the store (a resumed run's), whose space is taken
   * @return a warning when the checkpoints still to come, up to {@code keep} and the one being
   *     written, do not fit
   * @throws DataException when one does not fit
   */
  static Optional<String> checkSpace(
      Path directory, long usable, long bytesPerCheckpoint, int keep, int written) {
    if (usable < bytesPerCheckpoint) {
      throw new DataException(
          directory,
          String.format(
              Locale.ROOT,
              "the disk has %.1f MB free, and one checkpoint takes about %.1f MB: free some space"
                  + " or choose another output folder (run.output)",
              usable / MB,
              bytesPerCheckpoint / MB));
    }
    // Pruning follows each write, so the store peaks at keep checkpoints plus the one in writing.
    long needed = bytesPerCheckpoint * (keep - Math.min(written, keep) + 1L);
    if (usable < needed) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "%s: the disk has %.1f MB free, but checkpoint.keep = %d checkpoints of about %.1f MB"
                  + " (%d written so far) and the next one while it is written need %.1f MB more:"
                  + " lower checkpoint.keep or free some space, or a checkpoint write may fail",
              directory,
              usable / MB,
              keep,
              bytesPerCheckpoint / MB,
              Math.min(written, keep),
              needed / MB));
    }
    return Optional.empty();
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
    writes.write(
        target,
        folder -> {
          contents.write(folder);
          CheckpointManifest.write(folder);
        });
    List<Path> intact = new ArrayList<>();
    for (Path p : list()) {
      if (CheckpointManifest.check(p, false).isEmpty()) {
        intact.add(p);
      }
    }
    for (int i = 0; i < intact.size() - keep; i++) {
      AtomicFiles.deleteTree(intact.get(i));
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
   * folder with a {@code checkpoints} subfolder (its newest intact checkpoint). Damaged checkpoints
   * passed over and partial temporary folders left by an interrupted write are logged as warnings.
   *
   * @param path the named path
   * @return the checkpoint folder
   * @throws DataException naming the path when it holds no intact checkpoint, or naming the damaged
   *     file when {@code path} is itself a damaged checkpoint
   */
  public static Path resolve(Path path) {
    Resolved r = resolveVerified(path);
    for (String s : r.skipped()) {
      LOG.warn("{}", s);
    }
    if (!r.skipped().isEmpty()) {
      LOG.warn("resuming from the newest intact checkpoint, {}", r.checkpoint());
    }
    return r.checkpoint();
  }

  /**
   * A resolved checkpoint and what was passed over to find it.
   *
   * @param checkpoint the intact checkpoint folder
   * @param skipped one sentence per damaged checkpoint or partial write passed over, newest first
   */
  public record Resolved(Path checkpoint, List<String> skipped) {}

  /**
   * Resolves like {@link #resolve} but returns what was passed over instead of logging it.
   *
   * @param path the named path
   * @return the intact checkpoint and the damaged ones or partial writes passed over
   * @throws DataException as {@link #resolve}
   */
  public static Resolved resolveVerified(Path path) {
    if (!Files.isDirectory(path)) {
      throw new DataException(
          path,
          Files.exists(path) ? "not a checkpoint folder" : "no such checkpoint or run folder");
    }
    if (sequence(path) >= 0) {
      Optional<String> damage = CheckpointManifest.check(path, true);
      if (damage.isPresent()) {
        throw new DataException(
            path,
            "is damaged: "
                + damage.get()
                + "; resume from the run folder to take the newest intact checkpoint");
      }
      return new Resolved(path, List.of());
    }
    Path folder = path.resolve(FOLDER);
    List<Path> candidates = list(folder);
    if (candidates.isEmpty()) {
      folder = path;
      candidates = list(path);
    }
    List<String> skipped = new ArrayList<>();
    for (Path partial : partialWrites(folder)) {
      skipped.add(
          "ignored "
              + partial
              + ": the partial write of an interrupted checkpoint (left in place)");
    }
    for (int i = candidates.size() - 1; i >= 0; i--) {
      Path c = candidates.get(i);
      Optional<String> damage = CheckpointManifest.check(c, true);
      if (damage.isEmpty()) {
        return new Resolved(c, List.copyOf(skipped));
      }
      skipped.add("passed over the damaged checkpoint " + c + ": " + damage.get());
    }
    if (candidates.isEmpty()) {
      throw new DataException(
          path, "holds no " + PREFIX + "* folder (nor a " + FOLDER + " folder with one)");
    }
    throw new DataException(path, "holds no intact checkpoint: " + String.join("; ", skipped));
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

  private static List<Path> partialWrites(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
