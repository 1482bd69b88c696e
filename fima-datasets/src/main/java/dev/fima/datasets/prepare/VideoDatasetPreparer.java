package dev.fima.datasets.prepare;

import ai.djl.util.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.PrepareConfig;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.jobs.DatasetPreparer;
import dev.fima.api.jobs.PrepareResult;
import dev.fima.datasets.io.ParallelFiles;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoTranscoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code fima prepare} ({@link PrepareConfig}): walks the input tree, converts every video with
 * {@link VideoTranscoder} into the same relative path under the output root, and copies every other
 * file (split lists, class indices, annotations), so that the dataset readers accept the output as
 * they accept the input. Files whose names start with a dot (the clip-index cache among them) are
 * not copied.
 *
 * <p>Conversions run in parallel, one file per worker thread, with a progress bar that counts the
 * failures. Each video is written under a temporary name beside its final one, decoded back, and
 * renamed into place only when its frame count equals the source's, so an interrupted run leaves no
 * half-written file under a final name; a re-run skips every final file and continues. The output
 * root's {@code .fima-prepare.json} records the settings (a re-run with other settings is refused
 * rather than mixing two encodings) and lists the videos that could not be converted, with the
 * reason.
 */
public final class VideoDatasetPreparer implements DatasetPreparer {

  /** The settings and report file in the output root. */
  public static final String REPORT_FILE = ".fima-prepare.json";

  /** Suffix of a video being written; such a file never counts as converted. */
  static final String PART_SUFFIX = ".fima-part";

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public PrepareResult prepare(PrepareConfig config, Progress progress) {
    Path input = folder(config.input(), "input");
    if (config.output() == null || config.output().isBlank()) {
      throw new ConfigException("output", "is required (the folder to write the prepared dataset)");
    }
    Path output = Path.of(config.output()).toAbsolutePath().normalize();
    Path in = input.toAbsolutePath().normalize();
    if (output.startsWith(in) || in.startsWith(output)) {
      throw new ConfigException(
          "output",
          output + " must be a folder of its own, neither inside " + in + " nor containing it");
    }
    Path report = output.resolve(REPORT_FILE);
    checkEarlierRun(output, report, config);
    List<Path> videos = new ArrayList<>();
    List<Path> others = new ArrayList<>();
    try (Stream<Path> s = Files.walk(in)) {
      s.filter(Files::isRegularFile)
          .filter(p -> !hidden(in.relativize(p)))
          .sorted()
          .forEach(p -> (Readers.isVideo(p) ? videos : others).add(p));
    } catch (IOException e) {
      throw new DataException(in, "cannot list: " + e.getMessage(), e);
    }
    int copied = 0;
    try {
      Files.createDirectories(output);
      writeReport(report, config, List.of(), -1);
      for (Path file : others) {
        Path target = output.resolve(in.relativize(file).toString());
        if (!Files.exists(target)) {
          Files.createDirectories(target.getParent());
          Files.copy(file, target);
          copied++;
        }
      }
    } catch (IOException e) {
      throw new DataException(output, "cannot write: " + e.getMessage(), e);
    }
    Map<Path, String> failed = new TreeMap<>();
    AtomicInteger converted = new AtomicInteger();
    int alreadyDone = convertAll(config, in, output, videos, failed, converted, progress);
    List<QuarantineEntry> failures = new ArrayList<>();
    failed.forEach((v, r) -> failures.add(new QuarantineEntry(v, r)));
    try {
      writeReport(report, config, failures, converted.get() + alreadyDone);
    } catch (IOException e) {
      throw new DataException(report, "cannot write: " + e.getMessage(), e);
    }
    return new PrepareResult(output, converted.get(), alreadyDone, copied, failures, report);
  }

  private static int convertAll(
      PrepareConfig config,
      Path in,
      Path output,
      List<Path> videos,
      Map<Path, String> failed,
      AtomicInteger converted,
      Progress bar) {
    List<Path> todo = new ArrayList<>();
    for (Path v : videos) {
      if (!Files.isRegularFile(output.resolve(in.relativize(v).toString()))) {
        todo.add(v);
      }
    }
    int alreadyDone = videos.size() - todo.size();
    if (todo.isEmpty()) {
      return alreadyDone;
    }
    ParallelFiles.run(
        todo.size(),
        config.workers(),
        "fima-prepare",
        bar,
        "Converting " + todo.size() + " videos",
        "failed",
        k -> {
          Path video = todo.get(k);
          String problem = convert(config, video, output.resolve(in.relativize(video)));
          if (problem == null) {
            converted.incrementAndGet();
            return true;
          }
          synchronized (failed) {
            failed.put(video, problem);
          }
          return false;
        });
    return alreadyDone;
  }

  /** Converts one video; returns why it could not be converted, or {@code null}. */
  private static String convert(PrepareConfig config, Path source, Path target) {
    String name = target.getFileName().toString();
    String extension = name.substring(name.lastIndexOf('.') + 1);
    Path part = target.resolveSibling("." + name + PART_SUFFIX);
    try {
      Files.createDirectories(target.getParent());
      Files.deleteIfExists(part);
      VideoTranscoder.transcode(
          source,
          part,
          extension,
          config.codec(),
          config.shortSide(),
          config.keyFrameInterval(),
          config.quality());
      AtomicFiles.replace(part, target);
      return null;
    } catch (BadVideoException e) {
      return e.reason();
    } catch (IOException e) {
      return "cannot write " + target + ": " + e.getMessage();
    } finally {
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // A leftover temporary file never counts as converted; the next run replaces it.
      }
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static Path folder(String path, String field) {
    if (path == null || path.isBlank()) {
      throw new ConfigException(field, "is required (the dataset folder)");
    }
    Path p = Path.of(path);
    if (!Files.isDirectory(p)) {
      throw new DataException(p, "is not a folder");
    }
    return p;
  }

  /**
   * Refuses an output folder that holds something else, or an earlier run with other settings: a
   * re-run may only continue the same conversion.
   */
  private static void checkEarlierRun(Path output, Path report, PrepareConfig config) {
    if (!Files.exists(output)) {
      return;
    }
    if (!Files.isDirectory(output)) {
      throw new ConfigException("output", output + " is a file, not a folder");
    }
    if (!Files.isRegularFile(report)) {
      try (Stream<Path> s = Files.list(output)) {
        if (s.findAny().isPresent()) {
          throw new ConfigException(
              "output",
              output
                  + " is not empty and holds no earlier fima prepare run: choose a new or empty"
                  + " folder");
        }
      } catch (IOException e) {
        throw new DataException(output, "cannot list: " + e.getMessage(), e);
      }
      return;
    }
    JsonNode earlier;
    try {
      earlier = JSON.readTree(report.toFile()).path("settings");
    } catch (IOException e) {
      throw new DataException(report, "cannot read: " + e.getMessage(), e);
    }
    JsonNode now = settings(config);
    for (var it = now.fields(); it.hasNext(); ) {
      var field = it.next();
      if (!field.getValue().equals(earlier.get(field.getKey()))) {
        throw new ConfigException(
            field.getKey(),
            output
                + " was prepared with "
                + field.getKey()
                + " = "
                + earlier.get(field.getKey())
                + ", this run asks for "
                + field.getValue()
                + ": continue with the same settings or choose another output folder");
      }
    }
  }

  private static ObjectNode settings(PrepareConfig config) {
    ObjectNode s = JSON.createObjectNode();
    s.put("input", Path.of(config.input()).toAbsolutePath().normalize().toString());
    s.put("shortSide", config.shortSide());
    s.put("keyFrameInterval", config.keyFrameInterval());
    s.put("codec", config.codec().name().toLowerCase(java.util.Locale.ROOT));
    s.put("quality", config.quality());
    return s;
  }

  private static void writeReport(
      Path report, PrepareConfig config, List<QuarantineEntry> failed, int convertedTotal)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", 1);
    root.set("settings", settings(config));
    if (convertedTotal >= 0) {
      root.put("convertedVideos", convertedTotal);
    }
    ArrayNode list = root.putArray("notConverted");
    for (QuarantineEntry e : failed) {
      list.addObject().put("video", e.video().toString()).put("reason", e.reason());
    }
    AtomicFiles.writeString(report, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }
}
