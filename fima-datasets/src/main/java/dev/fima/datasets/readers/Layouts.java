package dev.fima.datasets.readers;

import dev.fima.api.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** File-system helpers shared by the dataset readers; every failure names the path. */
final class Layouts {

  /** Extensions treated as videos when a folder is scanned. */
  static final Set<String> VIDEO_EXTENSIONS =
      Set.of("avi", "mp4", "mkv", "webm", "mov", "mpg", "mpeg", "m4v");

  private Layouts() {}

  /** Fails unless {@code root} is an existing folder. */
  static Path requireFolder(Path root, String what) {
    if (root == null) {
      throw new DataException(Path.of(""), what + ": no dataset root given (set data.root)");
    }
    if (!Files.isDirectory(root)) {
      throw new DataException(root, what + ": folder not found");
    }
    return root;
  }

  /** Fails unless {@code file} is an existing regular file. */
  static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file, what + " not found");
    }
    return file;
  }

  /** Reads the non-blank lines of a text file, trimmed. */
  static List<String> lines(Path file) {
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (t.startsWith("\uFEFF")) {
          t = t.substring(1);
        }
        out.add(t);
      }
      return out;
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /** Lists the sub-folders of a folder, sorted by name. */
  static List<Path> subfolders(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new DataException(folder, "cannot list: " + e.getMessage(), e);
    }
  }

  /** Lists the video files directly inside a folder, sorted by name. */
  static List<Path> videos(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(Files::isRegularFile).filter(Layouts::isVideo).sorted().toList();
    } catch (IOException e) {
      throw new DataException(folder, "cannot list: " + e.getMessage(), e);
    }
  }

  /** Whether a file name has a video extension. */
  static boolean isVideo(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Maps lower-cased file names of a folder's entries to the entries, for tolerant lookups. */
  static Map<String, Path> byLowerName(Path folder) {
    Map<String, Path> map = new HashMap<>();
    if (!Files.isDirectory(folder)) {
      return map;
    }
    try (Stream<Path> s = Files.list(folder)) {
      s.forEach(p -> map.put(p.getFileName().toString().toLowerCase(Locale.ROOT), p));
    } catch (IOException e) {
      throw new DataException(folder, "cannot list: " + e.getMessage(), e);
    }
    return map;
  }

  /** Returns the name of a file without its extension. */
  static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
