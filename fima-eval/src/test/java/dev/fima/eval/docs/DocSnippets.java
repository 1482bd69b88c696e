package dev.fima.eval.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps documentation and tests from drifting apart: a test marks the code it runs with {@code //
 * doc:<name>} ... {@code // doc:end} (lines between {@code // doc:hide} and {@code // doc:show} are
 * the test's own checks and not part of the snippet), and asserts that the documentation shows
 * exactly that code as one block.
 */
final class DocSnippets {

  private DocSnippets() {}

  /**
   * Returns a marked region of a Java source, without the hidden lines and common indentation.
   *
   * @param source the Java file
   * @param name the region's name
   * @return the snippet, lines joined by {@code \n}
   */
  static String region(Path source, String name) throws IOException {
    List<String> lines = new ArrayList<>();
    boolean inside = false;
    boolean hidden = false;
    for (String line : Files.readAllLines(source)) {
      String marker = line.trim();
      if (marker.equals("// doc:" + name)) {
        inside = true;
      } else if (inside && marker.equals("// doc:end")) {
        return strip(lines);
      } else if (inside && marker.equals("// doc:hide")) {
        hidden = true;
      } else if (inside && marker.equals("// doc:show")) {
        hidden = false;
      } else if (inside && !hidden) {
        lines.add(line);
      }
    }
    throw new IllegalStateException(source + " has no complete region doc:" + name);
  }

  /**
   * Returns the {@code <pre>{@code ...}</pre>} blocks of a Java source's Javadoc.
   *
   * @param source the Java file
   * @return each block's code, lines joined by {@code \n}
   */
  static List<String> javadocBlocks(Path source) throws IOException {
    List<String> text =
        Files.readAllLines(source).stream().map(l -> l.replaceFirst("^\\s*\\* ?", "")).toList();
    return blocks(text, "<pre>{@code", "}</pre>");
  }

  /**
   * Returns the fenced code blocks of a language in a Markdown file.
   *
   * @param markdown the file
   * @param language the fence's language, e.g. {@code java}
   * @return each block's code, lines joined by {@code \n}
   */
  static List<String> markdownBlocks(Path markdown, String language) throws IOException {
    return blocks(Files.readAllLines(markdown), "```" + language, "```");
  }

  private static List<String> blocks(List<String> lines, String open, String close) {
    List<String> blocks = new ArrayList<>();
    List<String> block = null;
    for (String line : lines) {
      if (block == null && line.trim().equals(open)) {
        block = new ArrayList<>();
      } else if (block != null && line.trim().equals(close)) {
        blocks.add(strip(block));
        block = null;
      } else if (block != null) {
        block.add(line);
      }
    }
    return blocks;
  }

  private static String strip(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
    }
    return String.join("\n", out);
  }
}
