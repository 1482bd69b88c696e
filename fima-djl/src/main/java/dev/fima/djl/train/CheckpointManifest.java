package dev.fima.djl.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The file {@code MANIFEST} inside a checkpoint folder: one line {@code <length> <crc32c> <name>}
 * per file, written after every other file. The folder itself is renamed into place atomically, so
 * a kill during the write never exposes it; the manifest catches what the rename cannot: a file
 * shortened or corrupted afterwards (a full disk under a copy, a truncated transfer). A checkpoint
 * without a manifest was written before it existed and is taken as it is.
 */
public final class CheckpointManifest {

  /** The manifest's file name. */
  public static final String FILE = "MANIFEST";

  private CheckpointManifest() {}

  /**
   * Writes the manifest of every regular file now in a folder.
   *
   * @param folder the filled checkpoint folder
   * @throws IOException when a file cannot be read or the manifest written
   */
  public static void write(Path folder) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Path f : files(folder)) {
      text.append(Files.size(f))
          .append(' ')
          .append(crc(f))
          .append(' ')
          .append(f.getFileName())
          .append('\n');
    }
    Files.writeString(folder.resolve(FILE), text.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Checks a checkpoint folder against its manifest.
   *
   * @param folder the checkpoint folder
   * @param contents whether to compare checksums too (reads every file), or lengths only
   * @return what is wrong, naming the file, or empty when the folder is intact
   */
  public static Optional<String> check(Path folder, boolean contents) {
    Path manifest = folder.resolve(FILE);
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return Optional.of(FILE + " is empty");
      }
      for (String line : lines) {
        String[] parts = line.split(" ", 3);
        if (parts.length != 3) {
          return Optional.of(FILE + " has a malformed line: " + line);
        }
        Path file = folder.resolve(parts[2]);
        if (!Files.isRegularFile(file)) {
          return Optional.of(parts[2] + " is missing");
        }
        long expected = Long.parseLong(parts[0]);
        long actual = Files.size(file);
        if (actual != expected) {
          return Optional.of(
              parts[2] + " has " + actual + " bytes, " + expected + " were written (truncated?)");
        }
        if (contents && !crc(file).equals(parts[1])) {
          return Optional.of(parts[2] + " does not match its checksum (corrupted)");
        }
      }
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.of("cannot read it: " + e.getMessage());
    }
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      List<Path> out = new ArrayList<>();
      for (Path p : (Iterable<Path>) entries.sorted()::iterator) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().equals(FILE)) {
          out.add(p);
        }
      }
      return out;
    }
  }

  private static String crc(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        crc.update(buffer, 0, n);
      }
    }
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }
}
