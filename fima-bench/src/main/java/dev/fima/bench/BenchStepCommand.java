package dev.fima.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.PretrainConfig;
import dev.fima.djl.backbone.BackboneRegistry;
import dev.fima.djl.backbone.VideoBackbone;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fima bench step}: milliseconds per FIMA training step (forward, backward, SGD update) per
 * backbone and input size, and the share of the step's wall time spent outside libtorch kernels.
 *
 * <p>Step times come from unprofiled steps. The outside share comes from separate steps run under
 * libtorch's profiler: the union of the time covered by libtorch operators, against the wall time
 * of the same steps; what is left is Java, JNI and array bookkeeping. The profiler's own cost per
 * operator counts as inside, so the share is a lower bound of the Java side's cost.
 */
@Command(
    name = "step",
    mixinStandardHelpOptions = true,
    description =
        "Milliseconds per FIMA step (forward + backward + SGD) per backbone and input size, and"
            + " the share of wall time outside libtorch kernels.")
final class BenchStepCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--case",
      paramLabel = "NAME:FRAMES:CROP:BATCH",
      description =
          "A backbone and input size, repeatable (default: r3d-tiny:8:56:16, r3d-18:16:112:2,"
              + " i3d:16:112:2).")
  List<String> cases = new ArrayList<>();

  @Option(names = "--warmup", description = "Unmeasured steps first (default ${DEFAULT-VALUE}).")
  int warmup = 2;

  @Option(names = "--steps", description = "Timed steps (default ${DEFAULT-VALUE}).")
  int steps = 5;

  @Option(
      names = "--profile-steps",
      description =
          "Profiled steps for the outside-libtorch share; 0 skips (default ${DEFAULT-VALUE}).")
  int profileSteps = 2;

  @Mixin BenchEngineOptions engine;

  @Option(names = "--method", description = "fima or moco (default ${DEFAULT-VALUE}).")
  String method = "fima";

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description = "Keep the profiler's Chrome trace of the last case in this file.")
  Path traceFile;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description = "Configuration overrides applied to every case, e.g. model.decoderDim=256.")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Device dev = engine.apply();
    List<String> grid =
        cases.isEmpty() ? List.of("r3d-tiny:8:56:16", "r3d-18:16:112:2", "i3d:16:112:2") : cases;
    out.printf(
        "# fima bench step: method %s, device %s, %d intra-op threads, %d warm-up + %d timed +"
            + " %d profiled steps%n",
        method, dev, JniUtils.getNumThreads(), warmup, steps, profileSteps);
    out.println(
        "| backbone | frames | crop | batch | trained params | ms/step (median) | min | max |"
            + " CPU ms/step | outside libtorch | arrays left |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    out.flush();
    for (String c : grid) {
      out.println(runCase(c, dev));
      out.flush();
    }
    return 0;
  }

  private String runCase(String spec, Device dev) throws IOException {
    String[] parts = spec.split(":");
    if (parts.length != 4) {
      throw new ConfigException("--case", "expected NAME:FRAMES:CROP:BATCH, got " + spec);
    }
    String name = parts[0];
    int frames = Integer.parseInt(parts[1]);
    int crop = Integer.parseInt(parts[2]);
    int batch = Integer.parseInt(parts[3]);
    PretrainConfig config = caseConfig(name, frames, crop, batch, method, overrides);
    try (FimaStep step = new FimaStep(config, dev)) {
      for (int i = 0; i < warmup; i++) {
        step.run();
      }
      int resident = step.residentArrays();
      double[] ms = new double[steps];
      long cpu0 = processCpuNanos();
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        step.run();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      double cpuMs = (processCpuNanos() - cpu0) / 1e6 / steps;
      int leftBehind = step.residentArrays() - resident;
      String outside = profileSteps > 0 ? String.format("%.1f%%", 100 * outsideShare(step)) : "-";
      double[] sorted = ms.clone();
      Arrays.sort(sorted);
      return String.format(
          "| %s | %d | %d | %d | %.2fM | %.0f | %.0f | %.0f | %.0f | %s | %d |",
          name,
          frames,
          crop,
          batch,
          step.trainedValues() / 1e6,
          sorted[sorted.length / 2],
          sorted[0],
          sorted[sorted.length - 1],
          cpuMs,
          outside,
          leftBehind);
    }
  }

  /**
   * Returns the pretraining configuration of a benchmark case: a backbone on clips of a size, as
   * many local clips as the backbone leaves time slices, a batch size and a method.
   *
   * @param name the backbone's registry name
   * @param frames frames per clip
   * @param crop crop size in pixels
   * @param batch batch size
   * @param method {@code fima} or {@code moco}
   * @param overrides further {@code path=value} overrides
   * @return the validated configuration
   */
  static PretrainConfig caseConfig(
      String name, int frames, int crop, int batch, String method, List<String> overrides) {
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
                "model.method=" + method));
    all.addAll(overrides);
    return Configs.load(PretrainConfig.defaults(), null, all);
  }

  /**
   * CPU time of the whole process (every libtorch and Java thread), which a busy shared machine
   * inflates less than wall time.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Profiles some steps and returns the share of their wall time not covered by any operator. */
  private double outsideShare(FimaStep step) throws IOException {
    Path trace = Files.createTempFile("fima-step-trace", ".json");
    try {
      JniUtils.startProfile(false, false, false);
      long t0 = System.nanoTime();
      for (int i = 0; i < profileSteps; i++) {
        step.run();
      }
      double wallUs = (System.nanoTime() - t0) / 1e3;
      JniUtils.stopProfile(trace.toString());
      double insideUs = operatorUnion(Configs.json().readTree(trace.toFile()));
      return Math.max(0, 1 - insideUs / wallUs);
    } finally {
      if (traceFile != null) {
        Files.move(trace, traceFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Files.deleteIfExists(trace);
    }
  }

  /** Total time covered by at least one operator event of a Chrome trace, in microseconds. */
  static double operatorUnion(JsonNode trace) {
    JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
    List<double[]> spans = new ArrayList<>();
    for (JsonNode e : events) {
      if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
        double start = e.path("ts").asDouble();
        spans.add(new double[] {start, start + e.path("dur").asDouble()});
      }
    }
    spans.sort((a, b) -> Double.compare(a[0], b[0]));
    double covered = 0;
    double end = Double.NEGATIVE_INFINITY;
    for (double[] s : spans) {
      if (s[1] <= end) {
        continue;
      }
      covered += s[1] - Math.max(s[0], end);
      end = s[1];
    }
    return covered;
  }
}
