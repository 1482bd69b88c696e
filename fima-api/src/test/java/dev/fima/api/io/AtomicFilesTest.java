package dev.fima.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void writeStringReplacesTheFileAndLeavesNoTemporaryBehind() throws IOException {
    Path file = dir.resolve("lists/trainlist01.txt");
    AtomicFiles.writeString(file, "first\n");
    AtomicFiles.writeString(file, "second\n");
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
    AtomicFiles.replace(tmp, target);
    assertEquals("new", Files.readString(target));
    assertFalse(Files.exists(tmp));
  }

  @Test
  void aFailedWriteKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
    Path target = dir.resolve("taken");
    Files.createDirectories(target.resolve("child"));
    assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "text"));
    assertTrue(Files.isDirectory(target.resolve("child")));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList());
    }
  }

  @Test
  void aWriterThatFailsLeavesTheOldContentAndNoTemporary() throws IOException {
    Path file = dir.resolve("report.json");
    AtomicFiles.writeString(file, "{}");
    IOException full = new IOException("No space left on device");
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    file,
                    out -> {
                      out.write('x');
                      throw full;
                    }));
    assertEquals(full, thrown);
    assertEquals("{}", Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void aFolderIsReplacedWholeAndAFailedFillKeepsTheOldOne() throws IOException {
    Path folder = dir.resolve("export");
    AtomicFiles.writeFolder(folder, f -> Files.writeString(f.resolve("a.txt"), "1"));
    AtomicFiles.writeFolder(folder, f -> Files.writeString(f.resolve("b.txt"), "2"));
    try (var files = Files.list(folder)) {
      assertEquals(List.of(folder.resolve("b.txt")), files.toList());
    }
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.writeFolder(
                folder,
                f -> {
                  Files.writeString(f.resolve("c.txt"), "3");
                  throw new IOException("disk full");
                }));
    assertEquals("2", Files.readString(folder.resolve("b.txt")));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(folder), files.toList());
    }
  }
}
