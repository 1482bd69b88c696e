package dev.fima.djl.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fima.api.DataException;
import dev.fima.api.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's metrics as JSON lines ({@code metrics.jsonl}): one object per step ({@code "type":
 * "step"}) and per epoch ({@code "type": "epoch"}), appended and flushed as they happen, so the
 * file can be followed during a run and is complete up to the last step after a crash. On resume,
 * {@link #truncateAfterStep} drops the lines the interrupted run wrote after its checkpoint.
 */
public final class MetricsLog implements StepListener {

  /** The usual file name inside a run folder. */
  public static final String FILE = "metrics.jsonl";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter LINE =
      MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

  private final Path file;

  /**
   * Opens a log; the file is created by the first append.
   *
   * @param file the JSON-lines file
   */
  public MetricsLog(Path file) {
    this.file = file;
  }

  /**
   * Returns the file.
   *
   * @return the JSON-lines file
   */
  public Path file() {
    return file;
  }

  /**
   * Appends one record as a line and flushes it.
   *
   * @param record field names and values (numbers, strings, booleans, nested maps)
   */
  public synchronized void append(Map<String, ?> record) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (BufferedWriter out =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        out.write(LINE.writeValueAsString(record));
        out.write('\n');
      }
    } catch (IOException e) {
      throw DataException.cannotWrite(file, "the metrics log", e);
    }
  }

  /**
   * Reads every record.
   *
   * @return the records in file order; empty when the file does not exist
   * @throws DataException naming the file and line when a line is not JSON
   */
  public List<Map<String, Object>> read() {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Map<String, Object>> records = new ArrayList<>();
    try {
      int number = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          records.add(
              MAPPER.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (JsonProcessingException e) {
          throw new DataException(
              file, "line " + number + " is not JSON: " + e.getOriginalMessage());
        }
      }
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + DataException.reason(e), e);
    }
    return records;
  }

  /**
   * Rewrites the file (atomically) without the records whose {@code step} is above a step, so that
   * a resumed run continues the log of the checkpoint it started from.
   *
   * @param step the last step to keep; -1 or less empties the log
   */
  public synchronized void truncateAfterStep(long step) {
    List<Map<String, Object>> kept = new ArrayList<>();
    for (Map<String, Object> r : read()) {
      Object s = r.get("step");
      if (s instanceof Number n && n.longValue() <= step) {
        kept.add(r);
      }
    }
    try {
      StringBuilder text = new StringBuilder();
      for (Map<String, Object> r : kept) {
        text.append(LINE.writeValueAsString(r)).append('\n');
      }
      AtomicFiles.writeString(file, text.toString());
    } catch (IOException e) {
      throw DataException.cannotWrite(file, "the metrics log", e);
    }
  }

  @Override
  public void onStep(StepRecord r) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "step");
    line.put("epoch", r.epoch());
    line.put("batch", r.batch());
    line.put("step", r.step());
    line.put("lr", r.learningRate());
    line.putAll(r.values());
    line.put("samples_per_s", r.samplesPerSecond());
    line.put("data_wait", r.dataWaitShare());
    line.put("seconds", r.seconds());
    line.put("skipped", r.skipped());
    append(line);
  }

  @Override
  public void onEpoch(EpochRecord r) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "epoch");
    line.put("epoch", r.epoch());
    line.put("step", r.step());
    line.putAll(r.means());
    line.put("steps", r.steps());
    line.put("skipped_steps", r.skippedSteps());
    line.put("samples_per_s", r.samplesPerSecond());
    line.put("data_wait", r.dataWaitShare());
    line.put("seconds", r.seconds());
    append(line);
  }
}
