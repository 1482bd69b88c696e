package dev.fima.cli;

import dev.fima.api.jobs.EvalReport;
import java.io.PrintWriter;
import java.util.Map;

/** Prints evaluation results for the terminal. */
final class Reports {

  private Reports() {}

  static void print(PrintWriter out, EvalReport report) {
    out.println(report.task() + " results (" + report.outputDir() + "):");
    for (Map.Entry<String, Double> e : report.metrics().entrySet()) {
      out.printf("  %-12s %8.4f%n", e.getKey(), e.getValue());
    }
    out.flush();
  }
}
