package dev.fima.eval.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fima.api.config.Configs;
import dev.fima.api.jobs.EvalReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an evaluation's results as {@code <task>.json} and {@code <task>.md} together with its
 * protocol, and its configuration as {@code <task>-config.yaml}, so that no number leaves the
 * output folder without what produced it.
 */
public final class ReportWriter {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ReportWriter() {}

  /**
   * The content of one report.
   *
   * @param task {@code linear-probe}, {@code finetune}, {@code test} or {@code retrieve}
   * @param title one line saying what was evaluated on what
   * @param protocol what produced the numbers (see {@link Protocol})
   * @param metrics the headline numbers (accuracies and recalls are fractions in [0, 1])
   * @param details further results: tables are lists of maps with the same keys
   * @param files names (relative to the report) of the CSV and PNG files written with it
   * @param notes remarks a reader must see next to the numbers (skipped videos, clamped k, ...)
   */
  public record Content(
      String task,
      String title,
      Map<String, Object> protocol,
      Map<String, Double> metrics,
      Map<String, Object> details,
      List<String> files,
      List<String> notes) {}

  /**
   * Writes the JSON, Markdown and configuration files of a report.
   *
   * @param dir output folder
   * @param content what to write
   * @param config the job's configuration record
   * @return the report for the caller
   */
  public static EvalReport write(Path dir, Content content, Object config) {
    List<String> files = new ArrayList<>(content.files());
    String configFile = content.task() + "-config.yaml";
    files.add(configFile);
    OutputFiles.writeString(dir.resolve(configFile), Configs.toYaml(config));

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("task", content.task());
    json.put("title", content.title());
    json.put("metrics", content.metrics());
    json.put("protocol", content.protocol());
    json.put("details", content.details());
    json.put("notes", content.notes());
    json.put("files", files);
    try {
      OutputFiles.writeString(
          dir.resolve(content.task() + ".json"), JSON.writeValueAsString(json) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report is not serialisable", e);
    }
    OutputFiles.writeString(dir.resolve(content.task() + ".md"), markdown(content, files));
    return new EvalReport(content.task(), content.protocol(), content.metrics(), dir);
  }

  /**
   * Renders a report as Markdown.
   *
   * @param content the report
   * @param files every file written with it
   * @return the Markdown text
   */
  static String markdown(Content content, List<String> files) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(content.task()).append(": ").append(content.title()).append("\n\n");
    md.append("## Results\n\n| metric | value |\n|---|---|\n");
    content.metrics().forEach((k, v) -> md.append(row(k, formatNumber(v))));
    if (!content.notes().isEmpty()) {
      md.append("\n## Notes\n\n");
      content.notes().forEach(n -> md.append("- ").append(n).append('\n'));
    }
    md.append("\n## Protocol\n\n| field | value |\n|---|---|\n");
    flatten("", content.protocol()).forEach((k, v) -> md.append(row(k, v)));
    for (Map.Entry<String, Object> e : content.details().entrySet()) {
      md.append("\n## ").append(e.getKey()).append("\n\n");
      md.append(block(e.getValue()));
    }
    md.append("\n## Files\n\n");
    files.forEach(f -> md.append("- [").append(f).append("](").append(f).append(")\n"));
    return md.toString();
  }

  private static String block(Object value) {
    if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?>) {
      Map<?, ?> first = (Map<?, ?>) list.get(0);
      StringBuilder t = new StringBuilder("|");
      StringBuilder sep = new StringBuilder("|");
      for (Object key : first.keySet()) {
        t.append(' ').append(key).append(" |");
        sep.append("---|");
      }
      t.append('\n').append(sep).append('\n');
      for (Object item : list) {
        t.append('|');
        for (Object key : first.keySet()) {
          t.append(' ').append(cell(((Map<?, ?>) item).get(key))).append(" |");
        }
        t.append('\n');
      }
      return t.toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder t = new StringBuilder("| field | value |\n|---|---|\n");
      flatten("", map).forEach((k, v) -> t.append(row(k, v)));
      return t.toString();
    }
    return cell(value) + "\n";
  }

  private static Map<String, String> flatten(String prefix, Map<?, ?> map) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
      if (e.getValue() instanceof Map<?, ?> inner && !inner.isEmpty()) {
        out.putAll(flatten(key, inner));
      } else {
        out.put(key, cell(e.getValue()));
      }
    }
    return out;
  }

  private static String row(String key, String value) {
    return "| " + key + " | " + value + " |\n";
  }

  private static String cell(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double || value instanceof Float) {
      return formatNumber(((Number) value).doubleValue());
    }
    return String.valueOf(value).replace("|", "\\|").replace("\n", " ");
  }

  /**
   * Formats a number for a table: integers without decimals, others with four significant decimals
   * (accuracies are fractions, so 0.8421 reads as 84.21 %).
   *
   * @param v the number
   * @return its text
   */
  static String formatNumber(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e12) {
      return Long.toString((long) v);
    }
    if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6) {
      return String.format(Locale.ROOT, "%.4f", v);
    }
    return String.format(Locale.ROOT, "%.3e", v);
  }
}
