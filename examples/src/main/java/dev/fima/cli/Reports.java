package dev.fima.cli;

import dev.fima.api.jobs.EvalReport;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** Prints evaluation results for the terminal, with what produced them and where they are. */
final class Reports {

  private Reports() {}

  static void print(PrintWriter out, EvalReport report) {
    Map<String, Object> p = report.protocol();
    StringBuilder what = new StringBuilder(report.task());
    if (p.get("catalog") != null) {
      what.append(" on ").append(p.get("catalog"));
    }
    Object model = p.containsKey("backbone") ? p.get("backbone") : p.get("model");
    if (model != null) {
      what.append(" with ").append(model);
    }
    out.println(what);
    for (Map.Entry<String, Double> e : report.metrics().entrySet()) {
      out.printf("  %-30s %s%n", e.getKey(), format(e.getKey(), e.getValue()));
    }
    out.println(
        "  report: "
            + report.outputDir().resolve(report.task() + ".md")
            + " (and "
            + report.task()
            + ".json, with the full protocol)");
    out.flush();
  }

  /** Accuracies and recalls are fractions: shown as percentages; counts as integers. */
  static String format(String name, double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (isFraction(name)) {
      return String.format(Locale.ROOT, "%6.2f %%", 100 * value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static boolean isFraction(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("top") || n.startsWith("recall@") || n.contains("accuracy");
  }
}
