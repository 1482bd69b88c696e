package dev.fima.demo;

import dev.fima.api.FimaException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DemoConfig;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.djl.train.LossPlot;
import dev.fima.djl.train.MetricsLog;
import dev.fima.djl.train.RunInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the demo's own report: the side-by-side table as text and Markdown, the full results with
 * the configuration, seed and software versions as JSON, and the two pretraining runs' loss curves
 * in one chart.
 */
public final class DemoReport {

  /** The Markdown report's file name. */
  public static final String MARKDOWN = "demo.md";

  /** The JSON report's file name. */
  public static final String JSON = "demo.json";

  /** The loss-curve chart's file name. */
  public static final String LOSS_PLOT = "demo-pretrain-losses.png";

  private static final int[] RECALLS = {1, 5};

  private DemoReport() {}

  /**
   * Returns the side-by-side table, one row per backbone, as fixed-width text.
   *
   * @param result the demo's results
   * @return the table, ending with a line break
   */
  public static String table(Demo.Result result) {
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            Locale.ROOT,
            "%-22s %12s %8s %8s %10s%n",
            "backbone",
            "linear top-1",
            "R@1",
            "R@5",
            "trained"));
    for (Demo.RowResult r : result.rows()) {
      t.append(
          String.format(
              Locale.ROOT,
              "%-22s %12s %8s %8s %10s%n",
              r.row().label(),
              percent(r.linearTop1()),
              percent(r.recall(RECALLS[0])),
              percent(r.recall(RECALLS[1])),
              r.trainingSeconds() > 0
                  ? String.format(Locale.ROOT, "%.0f s", r.trainingSeconds())
                  : "-"));
    }
    if (result.classes() > 0) {
      t.append(
          String.format(
              Locale.ROOT,
              "%-22s %12s%n",
              "chance (" + result.classes() + " classes)",
              percent(1.0 / result.classes())));
    }
    return t.toString();
  }

  /**
   * Judges the demo's goals on its results ({@link DemoGoals}).
   *
   * @param result the demo's results
   * @return the goals with their verdicts
   */
  public static List<DemoGoals.Goal> goals(Demo.Result result) {
    PretrainResult fima = result.pretraining().get(Demo.Row.FIMA);
    return DemoGoals.assess(
        result.row(Demo.Row.FIMA).linearTop1(),
        result.row(Demo.Row.MOCO).linearTop1(),
        result.row(Demo.Row.FLOOR).linearTop1(),
        fima == null ? Map.of() : fima.lastEpochLosses());
  }

  /**
   * Writes {@value #JSON}, {@value #MARKDOWN} and {@value #LOSS_PLOT} into the result's folder.
   *
   * @param result the demo's results
   * @param config the configuration it ran with
   */
  public static void write(Demo.Result result, DemoConfig config) {
    Path dir = result.outputDir();
    try {
      AtomicFiles.writeString(dir.resolve(JSON), Configs.toJson(json(result, config)));
      AtomicFiles.writeString(dir.resolve(MARKDOWN), markdown(result, config));
      plotLosses(result, dir.resolve(LOSS_PLOT));
    } catch (IOException e) {
      throw new FimaException(
          "cannot write the demo report into " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> json(Demo.Result result, DemoConfig config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seed", config.run().seed());
    out.put("classes", result.classes());
    out.put("seconds", result.seconds());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Demo.RowResult r : result.rows()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("row", r.row().key());
      row.put("label", r.row().label());
      row.put("backbone", r.backbone());
      row.put("trainingSeconds", r.trainingSeconds());
      row.put("linearProbe", r.linear().metrics());
      row.put("linearProbeReport", r.linear().outputDir().toString());
      row.put("retrieval", r.retrieval().metrics());
      row.put("retrievalReport", r.retrieval().outputDir().toString());
      rows.add(row);
    }
    out.put("rows", rows);
    Map<String, Object> pretraining = new LinkedHashMap<>();
    for (Map.Entry<Demo.Row, PretrainResult> e : result.pretraining().entrySet()) {
      PretrainResult p = e.getValue();
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("folder", p.outputDir().toString());
      run.put("epochs", p.epochs());
      run.put("steps", p.steps());
      run.put("seconds", p.seconds());
      run.put("lastEpochLosses", p.lastEpochLosses());
      pretraining.put(e.getKey().key(), run);
    }
    out.put("pretraining", pretraining);
    out.put("ceilingFineTunedTest", result.ceilingTest().metrics());
    List<Map<String, Object>> goals = new ArrayList<>();
    for (DemoGoals.Goal g : goals(result)) {
      Map<String, Object> goal = new LinkedHashMap<>();
      goal.put("goal", g.goal());
      goal.put("met", g.met());
      goal.put("figures", g.figures());
      goals.add(goal);
    }
    out.put("goals", goals);
    out.put("versions", RunInfo.versions());
    out.put("config", config);
    return out;
  }

  private static String markdown(Demo.Result result, DemoConfig config) {
    StringBuilder md = new StringBuilder();
    md.append("# FIMA-J demo\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Seed %d, backbone %s, clips of %d frames (stride %d) at %d px; pretraining %d epochs"
                + " at batch %d for both methods. Finished in %.0f s.%n%n",
            config.run().seed(),
            config.backbone().name(),
            config.clip().frames(),
            config.clip().stride(),
            config.clip().crop(),
            config.pretrain().epochs(),
            config.pretrain().batchSize(),
            result.seconds()));
    md.append("| backbone | linear top-1 | R@1 | R@5 | training time |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    for (Demo.RowResult r : result.rows()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s |%n",
              r.row().label(),
              percent(r.linearTop1()).trim(),
              percent(r.recall(1)).trim(),
              percent(r.recall(5)).trim(),
              r.trainingSeconds() > 0
                  ? String.format(Locale.ROOT, "%.0f s", r.trainingSeconds())
                  : "-"));
    }
    if (result.classes() > 0) {
      md.append(
          String.format(
              Locale.ROOT,
              "| chance (%d classes) | %s | | | |%n",
              result.classes(),
              percent(1.0 / result.classes()).trim()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nThe ceiling's own fine-tuned classifier (not a linear probe) reached %s top-1 on the"
                + " test split.%n%n",
            percent(result.ceilingTest().metrics().getOrDefault("top1", Double.NaN)).trim()));
    md.append(DemoGoals.text(goals(result), "- ").replace(System.lineSeparator(), "\n"));
    md.append("\n## Files\n\n");
    md.append("- `").append(JSON).append("`: every figure, the configuration and the versions\n");
    md.append("- `").append(LOSS_PLOT).append("`: the pretraining losses of FIMA and MoCo\n");
    for (Demo.RowResult r : result.rows()) {
      md.append("- ")
          .append(r.row().label())
          .append(": `")
          .append(result.outputDir().relativize(r.linear().outputDir()))
          .append("` (linear probe, with its confusion matrix), `")
          .append(result.outputDir().relativize(r.retrieval().outputDir()))
          .append("` (retrieval)\n");
    }
    md.append("\n## Versions\n\n");
    RunInfo.versions()
        .forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    return md.toString();
  }

  /** FIMA's total and instance losses and MoCo's (instance-only) loss against the step. */
  private static void plotLosses(Demo.Result result, Path png) throws IOException {
    Map<String, double[][]> series = new LinkedHashMap<>();
    for (Map.Entry<Demo.Row, PretrainResult> e : result.pretraining().entrySet()) {
      List<Map<String, Object>> records =
          new MetricsLog(e.getValue().outputDir().resolve(MetricsLog.FILE)).read();
      String label = e.getKey().label();
      series.put(label + " loss", points(records, "loss"));
      if (e.getKey() == Demo.Row.FIMA) {
        series.put(label + " instance term", points(records, "instance"));
      }
    }
    LossPlot.fromPoints(series, "Pretraining loss (per step)", png);
  }

  private static double[][] points(List<Map<String, Object>> records, String name) {
    List<double[]> points = new ArrayList<>();
    for (Map<String, Object> r : records) {
      if ("step".equals(r.get("type"))
          && r.get(name) instanceof Number v
          && r.get("step") instanceof Number s
          && Double.isFinite(v.doubleValue())) {
        points.add(new double[] {s.doubleValue(), v.doubleValue()});
      }
    }
    double[][] xy = new double[2][points.size()];
    for (int i = 0; i < points.size(); i++) {
      xy[0][i] = points.get(i)[0];
      xy[1][i] = points.get(i)[1];
    }
    return xy;
  }

  private static String percent(double fraction) {
    return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }
}
