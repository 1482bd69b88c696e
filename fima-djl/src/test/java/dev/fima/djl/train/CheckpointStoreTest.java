package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.DataException;
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
}
