package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.DataException;
import dev.fima.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir Path dir;

  private static AtomicFiles.FolderWriter text(String s) {
    return folder -> Files.writeString(folder.resolve("state.txt"), s);
  }

  @Test
  void keepsTheNewestInStepOrder() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve(CheckpointStore.FOLDER), 2);
    store.write(5, text("five"));
    store.write(100, text("hundred"));
    store.write(20, text("twenty")); // sequence order, not write order, decides what is newest
    List<Path> kept = store.list();
    assertEquals(List.of(20L, 100L), kept.stream().map(CheckpointStore::sequence).toList());
    assertEquals("hundred", Files.readString(store.latest().get().resolve("state.txt")));
    // A run folder resolves to its newest checkpoint; a checkpoint folder to itself.
    assertEquals(store.latest().get(), CheckpointStore.resolve(dir));
    assertEquals(kept.get(0), CheckpointStore.resolve(kept.get(0)));
  }

  @Test
  void freeSpaceIsCheckedAgainstTheKeptCheckpointsAndTheNextOne() {
    Path folder = dir.resolve(CheckpointStore.FOLDER);
    long mb = 1024 * 1024;
    // keep 3: three kept and the one being written, 4 x 10 MB.
    assertTrue(CheckpointStore.checkSpace(folder, 40 * mb, 10 * mb, 3, 0).isEmpty());
    assertEquals(
        folder
            + ": the disk has 39.0 MB free, but checkpoint.keep = 3 checkpoints of about 10.0 MB"
            + " (0 written so far) and the next one while it is written need 40.0 MB more: lower"
            + " checkpoint.keep or free some space, or a checkpoint write may fail",
        CheckpointStore.checkSpace(folder, 39 * mb, 10 * mb, 3, 0).orElseThrow());
    // A resumed run's two checkpoints already take their space: two more are needed.
    assertTrue(CheckpointStore.checkSpace(folder, 20 * mb, 10 * mb, 3, 2).isEmpty());
    assertTrue(CheckpointStore.checkSpace(folder, 19 * mb, 10 * mb, 3, 2).isPresent());
    // With the store full, only the one being written: pruning then frees the oldest.
    assertTrue(CheckpointStore.checkSpace(folder, 10 * mb, 10 * mb, 3, 5).isEmpty());
    DataException none =
        assertThrows(
            DataException.class, () -> CheckpointStore.checkSpace(folder, 9 * mb, 10 * mb, 3, 0));
    assertEquals(
        folder
            + ": the disk has 9.0 MB free, and one checkpoint takes about 10.0 MB: free some space"
            + " or choose another output folder (run.output)",
        none.getMessage());
    // The real disk of the temporary folder holds a tiny checkpoint.
    assertTrue(new CheckpointStore(folder, 1).checkSpace(1024).isEmpty());
  }

  @Test
  void aFailedWriteLeavesEarlierCheckpointsAndNoPartialOne() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.write(1, text("one"));
    assertThrows(
        IOException.class,
        () ->
            store.write(
                2,
                folder -> {
                  Files.writeString(folder.resolve("half.txt"), "half");
                  throw new IOException("disk full");
                }));
    assertEquals(List.of(1L), store.list().stream().map(CheckpointStore::sequence).toList());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(1, left.count(), "the temporary folder was not removed");
    }
  }

  @Test
  void rewritingASequenceReplacesItWhole() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.write(7, folder -> Files.writeString(folder.resolve("old.txt"), "old"));
    Path p = store.write(7, text("new"));
    assertTrue(Files.exists(p.resolve("state.txt")));
    assertFalse(Files.exists(p.resolve("old.txt")));
  }

  @Test
  void resolveNamesThePathWhenThereIsNoCheckpoint() throws IOException {
    DataException missing =
        assertThrows(DataException.class, () -> CheckpointStore.resolve(dir.resolve("nope")));
    assertEquals(dir.resolve("nope"), missing.path());
    Files.createDirectories(dir.resolve("empty"));
    DataException empty =
        assertThrows(DataException.class, () -> CheckpointStore.resolve(dir.resolve("empty")));
    assertTrue(empty.getMessage().contains("holds no checkpoint-"), empty.getMessage());
  }

  @Test
  void atomicFileWriteReplacesTheTargetOnlyWhenComplete() throws IOException {
    Path f = dir.resolve("config.yaml");
    AtomicFiles.writeString(f, "a: 1\n");
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.write(
                f,
                out -> {
                  out.write("partial".getBytes());
                  throw new IOException("crash");
                }));
    assertEquals("a: 1\n", Files.readString(f));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(1, left.count());
    }
  }

  /** Cuts a file to half its length, as a full disk under a copy would leave it. */
  static void truncate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
  }

  @Test
  void aTruncatedCheckpointIsPassedOverNamedAndNotDeleted() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve(CheckpointStore.FOLDER), 2);
    Path one = store.write(1, text("one, intact"));
    Path two = store.write(2, text("two, will be cut"));
    truncate(two.resolve("state.txt"));
    // A kill -9 during the next write leaves its temporary folder behind.
    Path partial = store.directory().resolve(AtomicFiles.TEMP_PREFIX + "checkpoint-000000000003x");
    Files.createDirectories(partial);
    Files.writeString(partial.resolve("state.txt"), "thr");

    CheckpointStore.Resolved r = CheckpointStore.resolveVerified(dir);
    assertEquals(one, r.checkpoint());
    assertEquals(2, r.skipped().size(), r.skipped().toString());
    assertTrue(r.skipped().get(0).contains(partial.toString()), r.skipped().get(0));
    assertTrue(
        r.skipped().get(1).contains(two.toString())
            && r.skipped().get(1).contains("state.txt has 8 bytes, 16 were written"),
        r.skipped().get(1));
    assertEquals(one, CheckpointStore.resolve(dir));

    // Naming the damaged checkpoint itself is an error naming the file.
    DataException e = assertThrows(DataException.class, () -> CheckpointStore.resolve(two));
    assertTrue(e.getMessage().contains("state.txt has 8 bytes"), e.getMessage());

    // The next write keeps the intact checkpoint: the damaged one does not count among the kept.
    store.write(3, text("three"));
    assertTrue(
        Files.isDirectory(one), "an intact checkpoint was pruned in favour of a damaged one");
    assertEquals("one, intact", Files.readString(one.resolve("state.txt")));
    assertTrue(Files.isDirectory(two), "the damaged checkpoint is reported, not deleted");
    assertEquals(3L, CheckpointStore.sequence(CheckpointStore.resolve(dir)));
  }

  @Test
  void aHalfWrittenTemporaryCheckpointIsIgnoredReportedAndLeftAlone() throws IOException {
    CheckpointStore store = new CheckpointStore(dir.resolve(CheckpointStore.FOLDER), 3);
    Path one = store.write(1, text("one"));
    // kill -9 between the first file and the rename: only the temporary folder exists.
    Path partial = store.directory().resolve(AtomicFiles.TEMP_PREFIX + "checkpoint-0000000000029");
    Files.createDirectories(partial);
    Files.writeString(partial.resolve("state.txt"), "tw");

    CheckpointStore.Resolved r = CheckpointStore.resolveVerified(dir);
    assertEquals(one, r.checkpoint());
    assertEquals(
        List.of(
            "ignored "
                + partial
                + ": the partial write of an interrupted checkpoint (left in place)"),
        r.skipped());
    assertEquals(List.of(one), store.list(), "the partial folder is never taken for a checkpoint");
    assertEquals("one", Files.readString(one.resolve("state.txt")));
    // The next write of the same step succeeds beside it.
    store.write(2, text("two"));
    assertEquals(List.of(1L, 2L), store.list().stream().map(CheckpointStore::sequence).toList());
  }

  @Test
  void aCorruptedButFullLengthFileFailsItsChecksum() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    Path one = store.write(1, text("abcdef"));
    Files.writeString(one.resolve("state.txt"), "abcdeX");
    assertEquals(
        "state.txt does not match its checksum (corrupted)",
        CheckpointManifest.check(one, true).orElseThrow());
    assertTrue(CheckpointManifest.check(one, false).isEmpty(), "lengths alone cannot see it");
    DataException e = assertThrows(DataException.class, () -> CheckpointStore.resolve(dir));
    assertTrue(e.getMessage().contains("holds no intact checkpoint"), e.getMessage());
  }

  @Test
  void aCheckpointWithoutManifestIsTakenAsWritten() throws IOException {
    Path old = dir.resolve("checkpoint-000000000007");
    Files.createDirectories(old);
    Files.writeString(old.resolve("state.txt"), "before manifests");
    assertEquals(old, CheckpointStore.resolve(dir));
  }
}
