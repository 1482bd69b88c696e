package dev.fima.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fima.api.config.Configs;
import dev.fima.api.jobs.EvalReport;
import dev.fima.eval.report.OutputFiles;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs an evaluation on one official split or on each of several, and summarises several by their
 * mean, as UCF101 and HMDB51 results are reported (the mean over splits 1-3).
 *
 * <p>Every split's configuration is built and validated before the first job starts, so a bad value
 * fails in the first second rather than after split 1. With one split, the job writes into the
 * output folder itself; with several, split {@code k} writes into {@code <output>/split<k>} and the
 * mean goes to {@code <output>/summary.json} and {@code summary.md}.
 */
public final class SplitSweep {

  /** The summary files' name, without extension. */
  public static final String SUMMARY = "summary";

  private SplitSweep() {}

  /**
   * Configures and runs a job per split.
   *
   * @param name the example's name, for the printed titles and the summary
   * @param splits the splits to run, in order
   * @param output the output folder
   * @param configure builds the validated configuration of a split, given the split and its output
   *     folder
   * @param job runs one configuration
   * @param out where results are printed
   * @param <C> the job's configuration type
   * @return the mean of every metric over the splits (the only split's metrics for one split)
   */
  public static <C> Map<String, Double> run(
      String name,
      List<Integer> splits,
      Path output,
      BiFunction<Integer, Path, C> configure,
      Function<C, EvalReport> job,
      PrintWriter out) {
    Map<Integer, C> configs = new LinkedHashMap<>();
    for (int split : splits) {
      configs.put(split, configure.apply(split, dirOf(splits, output, split)));
    }
    Map<Integer, EvalReport> reports = new LinkedHashMap<>();
    for (Map.Entry<Integer, C> e : configs.entrySet()) {
      EvalReport report = job.apply(e.getValue());
      reports.put(e.getKey(), report);
      ReportLines.print(out, name + " split " + e.getKey(), report);
    }
    if (splits.size() == 1) {
      return reports.values().iterator().next().metrics();
    }
    Map<String, Double> mean = mean(reports.values());
    writeSummary(name, output, reports, mean);
    out.println(name + ": mean over splits " + splits);
    for (Map.Entry<String, Double> e : mean.entrySet()) {
      out.printf("  %-30s %s%n", e.getKey(), ReportLines.format(e.getKey(), e.getValue()));
    }
    out.println("  summary: " + output.resolve(SUMMARY + ".md"));
    out.flush();
    return mean;
  }

  /**
   * Returns the output folder of a split.
   *
   * @param splits every split run
   * @param output the example's output folder
   * @param split the split
   * @return {@code output} for a single split, else {@code output/split<k>}
   */
  static Path dirOf(List<Integer> splits, Path output, int split) {
    return splits.size() == 1 ? output : output.resolve("split" + split);
  }

  /**
   * Returns the mean of every metric that all reports have, in the first report's order.
   *
   * @param reports the reports
   * @return the means
   */
  static Map<String, Double> mean(Iterable<EvalReport> reports) {
    List<EvalReport> list = new ArrayList<>();
    reports.forEach(list::add);
    Map<String, Double> mean = new LinkedHashMap<>();
    for (String key : list.get(0).metrics().keySet()) {
      if (list.stream().allMatch(r -> r.metrics().containsKey(key))) {
        mean.put(key, list.stream().mapToDouble(r -> r.metrics().get(key)).sum() / list.size());
      }
    }
    return mean;
  }

  private static void writeSummary(
      String name, Path output, Map<Integer, EvalReport> reports, Map<String, Double> mean) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("example", name);
    json.put("task", reports.values().iterator().next().task());
    json.put("splits", List.copyOf(reports.keySet()));
    json.put("mean", mean);
    Map<String, Object> perSplit = new LinkedHashMap<>();
    reports.forEach(
        (split, r) -> {
          Map<String, Object> entry = new LinkedHashMap<>();
          Path report = r.outputDir().resolve(r.task() + ".json").toAbsolutePath();
          entry.put("report", output.toAbsolutePath().relativize(report).toString());
          entry.put("metrics", r.metrics());
          perSplit.put(String.valueOf(split), entry);
        });
    json.put("perSplit", perSplit);
    try {
      OutputFiles.writeString(
          output.resolve(SUMMARY + ".json"), Configs.json().writeValueAsString(json) + "\n");
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }

    StringBuilder md = new StringBuilder();
    md.append("# ").append(name).append(": mean over splits ").append(reports.keySet());
    md.append("\n\nEach split's full report, with its protocol, is in `split<k>/`.\n\n");
    md.append("| metric |");
    reports.keySet().forEach(k -> md.append(" split ").append(k).append(" |"));
    md.append(" mean |\n|---|");
    reports.keySet().forEach(k -> md.append("---|"));
    md.append("---|\n");
    for (Map.Entry<String, Double> e : mean.entrySet()) {
      md.append("| ").append(e.getKey()).append(" |");
      for (EvalReport r : reports.values()) {
        md.append(' ').append(ReportLines.format(e.getKey(), r.metrics().get(e.getKey())));
        md.append(" |");
      }
      md.append(' ').append(ReportLines.format(e.getKey(), e.getValue())).append(" |\n");
    }
    OutputFiles.writeString(output.resolve(SUMMARY + ".md"), md.toString());
  }
}
