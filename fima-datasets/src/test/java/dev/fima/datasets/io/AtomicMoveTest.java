package dev.fima.datasets.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicMoveTest {

  @TempDir Path dir;

  @Test
  void writeStringReplacesTheFileAndLeavesNoTemporaryBehind() throws IOException {
    Path file = dir.resolve("lists/trainlist01.txt");
    AtomicMove.writeString(file, "first\n");
    AtomicMove.writeString(file, "second\n");
    assertEquals("second\n", Files.readString(file));
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void replaceMovesTheFinishedFileOverTheOldOne() throws IOException {
    Path target = dir.resolve("video.avi");
    Files.writeString(target, "old");
    Path tmp = dir.resolve(".video.avi.tmp");
    Files.writeString(tmp, "new");
    AtomicMove.replace(tmp, target);
    assertEquals("new", Files.readString(target));
    assertEquals(false, Files.exists(tmp));
  }

  @Test
  void aFailedWriteKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
    Path target = dir.resolve("taken");
    Files.createDirectories(target.resolve("child"));
    assertThrows(IOException.class, () -> AtomicMove.writeString(target, "text"));
    assertEquals(true, Files.isDirectory(target.resolve("child")));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList());
    }
  }
}
