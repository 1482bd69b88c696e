package dev.fima.bench;

import ai.djl.pytorch.jni.JniUtils;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DemoConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.djl.backbone.BackboneRegistry;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.djl.nd.StepPhases;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fima bench step}: milliseconds per pretraining step as {@code fima pretrain} runs it (the
 * training loop and its step on a fixed batch: device augmentation, momentum update, key and query
 * passes, decoder, the loss terms with their queues, backward, gradient norm and clipping, the SGD
 * update, the enqueue), per backbone, input size and method, with the time of every phase, the
 * share of each phase outside libtorch operators, the host transfers per step and the arrays a step
 * leaves behind. See {@link StepBenchmark}.
 *
 * <p>Besides the tables, each case prints lines starting with {@code #step}, {@code #phase} and
 * {@code #check} that {@code bench/pytorch_step.py} prints too, so that {@code
 * bench/compare_step.sh} can set the two side by side and check that both built the same sizes.
 */
@Command(
    name = "step",
    mixinStandardHelpOptions = true,
    description =
        "Milliseconds per pretraining step (the loop's real step on a fixed batch), per phase,"
            + " with the share outside libtorch, for FIMA and the MoCo baseline.")
final class BenchStepCommand implements Callable<Integer> {

  /** The cases of the goal. */
  static final List<String> DEFAULT_CASES =
      List.of("r3d-tiny:8:32:16", "r3d-18:16:112:2", "i3d:16:112:2");

  @Spec CommandSpec spec;

  @Option(
      names = "--case",
      paramLabel = "NAME:FRAMES:CROP:BATCH",
      description =
          "A backbone and input size, repeatable (default: r3d-tiny:8:32:16, r3d-18:16:112:2,"
              + " i3d:16:112:2).")
  List<String> cases = new ArrayList<>();

  @Option(
      names = "--method",
      paramLabel = "fima|moco",
      description = "A method, repeatable (default: fima and moco).")
  List<String> methods = new ArrayList<>();

  @Option(
      names = "--demo",
      description =
          "Start from the demo's pretraining settings (queue 64, key momentum 0.99, lr 0.03 at"
              + " batch 16) instead of the reference's (queue 2240, momentum 0.999).")
  boolean demo;

  @Option(
      names = "--warmup",
      description = "Unmeasured steps first, at least 1 (default ${DEFAULT-VALUE}).")
  int warmup = 2;

  @Option(names = "--steps", description = "Timed steps (default ${DEFAULT-VALUE}).")
  int steps = 5;

  @Option(
      names = "--profile-steps",
      description =
          "Steps under libtorch's profiler after the timed ones, for the shares outside"
              + " libtorch; 0 skips (default ${DEFAULT-VALUE}).")
  int profileSteps = 2;

  @Mixin BenchEngineOptions engine;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description = "Keep the profiler's Chrome trace of the last run in this file.")
  Path traceFile;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description = "Configuration overrides applied to every case, e.g. model.decoderDim=256.")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    engine.apply();
    if (warmup < 1) {
      throw new ConfigException("--warmup", "must be at least 1, got " + warmup);
    }
    if (steps < 1) {
      throw new ConfigException("--steps", "must be at least 1, got " + steps);
    }
    List<String> grid = cases.isEmpty() ? DEFAULT_CASES : cases;
    List<String> which = methods.isEmpty() ? List.of("fima", "moco") : methods;
    out.printf(
        Locale.ROOT,
        "# fima bench step: fima pretrain's step on a fixed batch, %s settings, libtorch %s,"
            + " %d intra-op threads, %d warm-up + %d timed + %d profiled steps%n",
        demo ? "the demo's" : "the reference's",
        ai.djl.engine.Engine.getInstance().getVersion(),
        JniUtils.getNumThreads(),
        warmup,
        steps,
        profileSteps);
    out.println(
        "| method | case | trained params | ms/step (median) | min | max | CPU ms/step |"
            + " outside libtorch | transfers/step | arrays left |");
    out.println("|---|---|---|---|---|---|---|---|---|---|");
    out.flush();
    List<String> machine = new ArrayList<>();
    for (String c : grid) {
      Map<String, StepBenchmark.Result> byMethod = new LinkedHashMap<>();
      for (String method : which) {
        PretrainConfig config = caseConfig(c, method, demo, engine.threads, overrides);
        StepBenchmark.Result r = StepBenchmark.run(config, warmup, steps, profileSteps, traceFile);
        byMethod.put(method, r);
        out.println(row(method, c, r));
        out.flush();
        machine.addAll(machineLines(method, c, r));
      }
      phases(out, c, byMethod);
      for (String line : machine) {
        out.println(line);
      }
      machine.clear();
      out.flush();
    }
    return 0;
  }

  private String row(String method, String c, StepBenchmark.Result r) {
    double[] ms = stepMillis(r);
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    double transfers =
        r.timed().stream().mapToLong(PhaseRecorder.Sample::transfers).average().orElse(0);
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.2fM | %.1f | %.1f | %.1f | %.0f | %s | %.1f | %d |",
        method,
        c,
        Long.parseLong(r.check().get("trained")) / 1e6,
        Medians.of(sorted),
        sorted[0],
        sorted[sorted.length - 1],
        r.cpuMillisPerStep(),
        Double.isNaN(r.stepOutside())
            ? "-"
            : String.format(Locale.ROOT, "%.1f%%", 100 * r.stepOutside()),
        transfers,
        r.arraysLeft());
  }

  /** Prints the mean time of every phase per timed step, per method, and FIMA over MoCo. */
  private static void phases(PrintWriter out, String c, Map<String, StepBenchmark.Result> results) {
    Map<String, Map<String, Double>> means = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, StepBenchmark.Result> e : results.entrySet()) {
      Map<String, Double> m = meanPhases(e.getValue());
      means.put(e.getKey(), m);
      names.addAll(m.keySet());
    }
    out.printf(
        Locale.ROOT,
        "%n%s: mean ms per timed step by phase, its share of the step, and its share outside"
            + " libtorch operators (profiled steps)%n",
        c);
    StringBuilder head = new StringBuilder("| phase |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String method : results.keySet()) {
      head.append(' ').append(method).append(" ms | % | outside |");
      rule.append("---|---|---|");
    }
    out.println(head);
    out.println(rule);
    for (String phase : names) {
      StringBuilder line = new StringBuilder("| ").append(phase).append(" |");
      for (Map.Entry<String, StepBenchmark.Result> e : results.entrySet()) {
        Map<String, Double> m = means.get(e.getKey());
        double step = m.values().stream().mapToDouble(Double::doubleValue).sum();
        Double ms = m.get(phase);
        Double outside = e.getValue().phaseOutside().get(phase);
        line.append(
            ms == null
                ? " - | - | - |"
                : String.format(
                    Locale.ROOT,
                    " %.1f | %.1f%% | %s |",
                    ms,
                    100 * ms / step,
                    outside == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * outside)));
      }
      out.println(line);
    }
    if (results.containsKey("fima") && results.containsKey("moco")) {
      double fima = Medians.of(stepMillis(results.get("fima")));
      double moco = Medians.of(stepMillis(results.get("moco")));
      out.printf(Locale.ROOT, "FIMA step / MoCo step (medians): %.2fx%n", fima / moco);
    }
    out.println();
  }

  /** The lines {@code bench/compare_step.sh} reads; the PyTorch twin prints the same. */
  private static List<String> machineLines(String method, String c, StepBenchmark.Result r) {
    double[] ms = stepMillis(r);
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "#step java %s %s median=%.2f min=%.2f max=%.2f cpu=%.2f outside=%.4f",
            method,
            c,
            Medians.of(sorted),
            sorted[0],
            sorted[sorted.length - 1],
            r.cpuMillisPerStep(),
            r.stepOutside()));
    StringBuilder phases = new StringBuilder("#phase java " + method + " " + c);
    meanPhases(r)
        .forEach(
            (k, v) ->
                phases.append(String.format(Locale.ROOT, " %s=%.3f", k.replace(' ', '_'), v)));
    lines.add(phases.toString());
    StringBuilder check = new StringBuilder("#check " + method + " " + c);
    r.check().forEach((k, v) -> check.append(' ').append(k).append('=').append(v));
    lines.add(check.toString());
    return lines;
  }

  /** Each timed step's time from its phases (the listeners after it left out). */
  private static double[] stepMillis(StepBenchmark.Result r) {
    return r.timed().stream().mapToDouble(s -> s.stepNanos() / 1e6).toArray();
  }

  /** Mean exclusive milliseconds per timed step, by phase, listeners left out. */
  private static Map<String, Double> meanPhases(StepBenchmark.Result r) {
    Map<String, Double> sums = new LinkedHashMap<>();
    for (PhaseRecorder.Sample s : r.timed()) {
      s.millis().forEach((k, v) -> sums.merge(k, v, Double::sum));
    }
    sums.remove(StepPhases.LISTENERS);
    sums.replaceAll((k, v) -> v / r.timed().size());
    return sums;
  }

  /**
   * Returns the pretraining configuration of a benchmark case: a backbone on clips of a size, as
   * many local clips as the backbone leaves time slices, a batch size and a method, on the
   * reference's settings or the demo's.
   *
   * @param spec {@code NAME:FRAMES:CROP:BATCH}
   * @param method {@code fima} or {@code moco}
   * @param demo start from the demo's pretraining settings rather than the reference's
   * @param threads libtorch intra-op threads (0: libtorch's default)
   * @param overrides further {@code path=value} overrides
   * @return the validated configuration
   */
  static PretrainConfig caseConfig(
      String spec, String method, boolean demo, int threads, List<String> overrides) {
    String[] parts = spec.split(":");
    if (parts.length != 4) {
      throw new ConfigException("--case", "expected NAME:FRAMES:CROP:BATCH, got " + spec);
    }
    String name = parts[0];
    int frames;
    int crop;
    int batch;
    try {
      frames = Integer.parseInt(parts[1]);
      crop = Integer.parseInt(parts[2]);
      batch = Integer.parseInt(parts[3]);
    } catch (NumberFormatException e) {
      throw new ConfigException("--case", "expected NAME:FRAMES:CROP:BATCH, got " + spec);
    }
    VideoBackbone probe = BackboneRegistry.get(name).build(BackboneRegistry.get(name).defaults());
    long slices = probe.featureMapShape(frames, crop).get(2);
    List<String> all =
        new ArrayList<>(
            List.of(
                "backbone.name=" + name,
                "clip.frames=" + frames,
                "clip.crop=" + crop,
                "clip.localClips=" + slices,
                "batchSize=" + batch,
                "model.method=" + method,
                "run.threads=" + threads));
    all.addAll(overrides);
    PretrainConfig base = demo ? DemoConfig.defaults().pretrain() : PretrainConfig.defaults();
    return Configs.load(base, null, all);
  }
}
