package dev.fima.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.config.Configs;
import dev.fima.api.config.LocalNegatives;
import dev.fima.api.config.Method;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.io.TempFiles;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.PretrainModels;
import dev.fima.djl.nd.StepPhases;
import dev.fima.djl.pretrain.FimaPretrainer;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.StepRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times the real pretraining step: {@link FimaPretrainer} itself, the training loop and its step as
 * {@code fima pretrain} runs them, on a fixed batch ({@link FixedPretrainBatches}) so that no
 * decoding is timed, with checkpoints written nowhere. A {@link PhaseRecorder} on the training
 * thread times every phase the library marks ({@link StepPhases}); the last steps run under
 * libtorch's profiler, whose operator intervals, laid over the phases' intervals, give each phase's
 * share of time outside libtorch (Java, JNI and array bookkeeping).
 *
 * <p>The steps are warm-up steps (unmeasured; at least one, which creates the optimiser's momentum
 * buffers), timed steps, then profiled steps (not timed: the profiler's own cost per operator would
 * inflate them). Every step's reported values are kept, so that a test can compare them with a
 * plain pretraining run's.
 */
final class StepBenchmark {

  private StepBenchmark() {}

  /**
   * What a benchmark run measured.
   *
   * @param config the configuration it ran
   * @param records every step's record, in order (values, seconds)
   * @param timed the timed steps' phases
   * @param phaseOutside the share of each phase's time outside libtorch operators, over the
   *     profiled steps (empty without any)
   * @param stepOutside the share of the profiled steps' time outside libtorch operators (NaN
   *     without any)
   * @param cpuMillisPerStep process CPU time (all threads) per timed step
   * @param arraysLeft arrays the timed steps left alive (0 when every step frees what it makes)
   * @param check the sizes both this step and its PyTorch twin print
   */
  record Result(
      PretrainConfig config,
      List<StepRecord> records,
      List<PhaseRecorder.Sample> timed,
      Map<String, Double> phaseOutside,
      double stepOutside,
      double cpuMillisPerStep,
      long arraysLeft,
      Map<String, String> check) {}

  /**
   * Runs the steps.
   *
   * @param config the pretraining configuration (its run output and epochs are replaced)
   * @param warmup unmeasured steps first, at least 1
   * @param steps timed steps, at least 1
   * @param profiled profiled steps after them, 0 for none
   * @param keepTrace where to copy the profiler's Chrome trace, or {@code null}
   * @return the measurements
   * @throws IOException when the run folder or the trace cannot be written or read
   */
  static Result run(PretrainConfig config, int warmup, int steps, int profiled, Path keepTrace)
      throws IOException {
    if (warmup < 1 || steps < 1 || profiled < 0) {
      throw new IllegalArgumentException(
          "need at least 1 warm-up and 1 timed step, got " + warmup + " and " + steps);
    }
    int total = warmup + steps + profiled;
    Path work = TempFiles.createFolder(Path.of(System.getProperty("java.io.tmpdir")), "fima-step");
    Path trace = work.resolve("trace.json");
    PretrainConfig run =
        Configs.load(
            config, null, List.of("epochs=1", "run.output=" + work.resolve("run").toString()));
    PhaseRecorder recorder = new PhaseRecorder();
    Listener listener = new Listener(recorder, warmup, steps, profiled, trace);
    PretrainModel[] model = new PretrainModel[1];
    try (FixedPretrainBatches batches = new FixedPretrainBatches(run, total, run.run().seed())) {
      FimaPretrainer pretrainer =
          new FimaPretrainer(
              batches,
              (c, manager, devices) -> model[0] = PretrainModels.create(c, manager, devices),
              (folder, contents) -> {});
      pretrainer.showProgress(false).addListener(listener);
      StepPhases.install(recorder);
      try {
        pretrainer.pretrain(run, null);
      } finally {
        StepPhases.uninstall();
        listener.stopProfiler();
      }
      Map<String, Double> phaseOutside = new LinkedHashMap<>();
      double stepOutside = Double.NaN;
      if (profiled > 0) {
        stepOutside =
            outside(listener.profiledSegments, listener.profileStart, trace, phaseOutside);
        if (keepTrace != null) {
          Files.copy(trace, keepTrace, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return new Result(
          run,
          listener.records,
          listener.timedSamples,
          phaseOutside,
          stepOutside,
          listener.cpuNanos / 1e6 / steps,
          listener.arraysLeft,
          check(run, model[0]));
    } finally {
      AtomicFiles.deleteTree(work);
    }
  }

  /** Collects the steps' records and phases, and starts and stops the profiler between steps. */
  private static final class Listener implements StepListener {
    final PhaseRecorder recorder;
    final int warmup;
    final int steps;
    final int profiled;
    final Path trace;
    final List<StepRecord> records = new ArrayList<>();
    final List<PhaseRecorder.Sample> timedSamples = new ArrayList<>();
    final List<PhaseRecorder.Segment> profiledSegments = new ArrayList<>();
    long arraysBefore;
    long arraysLeft;
    long cpuBefore;
    long cpuNanos;
    long profileStart;
    boolean profiling;

    Listener(PhaseRecorder recorder, int warmup, int steps, int profiled, Path trace) {
      this.recorder = recorder;
      this.warmup = warmup;
      this.steps = steps;
      this.profiled = profiled;
      this.trace = trace;
    }

    @Override
    public void onStep(StepRecord r) {
      records.add(r);
      PhaseRecorder.Sample sample = recorder.take();
      long done = r.step();
      if (done == warmup) {
        arraysBefore = liveArrays();
        cpuBefore = processCpuNanos();
      } else if (done > warmup && done <= warmup + steps) {
        timedSamples.add(sample);
      } else if (done > warmup + steps) {
        profiledSegments.addAll(sample.segments());
      }
      if (done == warmup + steps) {
        cpuNanos = processCpuNanos() - cpuBefore;
        arraysLeft = liveArrays() - arraysBefore;
        if (profiled > 0) {
          recorder.keepSegments(true);
          long before = System.nanoTime();
          JniUtils.startProfile(false, false, false);
          // The trace's clock starts inside the call.
          profileStart = (before + System.nanoTime()) / 2;
          profiling = true;
        }
      } else if (done == warmup + steps + profiled) {
        stopProfiler();
      }
    }

    void stopProfiler() {
      if (profiling) {
        profiling = false;
        recorder.keepSegments(false);
        JniUtils.stopProfile(trace.toString());
      }
    }
  }

  /**
   * Lays the operator intervals of a trace over the phases' intervals: fills {@code byPhase} with
   * each phase's share of time outside any operator and returns that share of the steps' time.
   */
  private static double outside(
      List<PhaseRecorder.Segment> segments,
      long profileStart,
      Path trace,
      Map<String, Double> byPhase)
      throws IOException {
    List<double[]> operators = operatorIntervals(Configs.json().readTree(trace.toFile()));
    Map<String, double[]> phases = new LinkedHashMap<>();
    double covered = 0;
    double length = 0;
    for (PhaseRecorder.Segment s : segments) {
      if (StepPhases.LISTENERS.equals(s.phase())) {
        continue;
      }
      double from = (s.start() - profileStart) / 1e3;
      double to = (s.end() - profileStart) / 1e3;
      double inside = coveredWithin(operators, from, to);
      String name = StepPhases.STEP.equals(s.phase()) ? PhaseRecorder.OTHER : s.phase();
      double[] sums = phases.computeIfAbsent(name, k -> new double[2]);
      sums[0] += inside;
      sums[1] += to - from;
      covered += inside;
      length += to - from;
    }
    phases.forEach((k, v) -> byPhase.put(k, v[1] > 0 ? Math.max(0, 1 - v[0] / v[1]) : 0));
    return length > 0 ? Math.max(0, 1 - covered / length) : Double.NaN;
  }

  /**
   * Returns the union of a Chrome trace's complete events as disjoint intervals, sorted, in the
   * trace's microseconds: nested operators (an operator and the ones it calls) count once.
   *
   * @param trace the trace
   * @return {@code [start, end]} pairs
   */
  static List<double[]> operatorIntervals(JsonNode trace) {
    JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
    List<double[]> spans = new ArrayList<>();
    for (JsonNode e : events) {
      if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
        double start = e.path("ts").asDouble();
        spans.add(new double[] {start, start + e.path("dur").asDouble()});
      }
    }
    spans.sort((a, b) -> Double.compare(a[0], b[0]));
    List<double[]> union = new ArrayList<>();
    for (double[] s : spans) {
      double[] last = union.isEmpty() ? null : union.get(union.size() - 1);
      if (last != null && s[0] <= last[1]) {
        last[1] = Math.max(last[1], s[1]);
      } else {
        union.add(new double[] {s[0], s[1]});
      }
    }
    return union;
  }

  /** Time of {@code [from, to]} covered by sorted disjoint intervals. */
  static double coveredWithin(List<double[]> intervals, double from, double to) {
    int lo = 0;
    int hi = intervals.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (intervals.get(mid)[1] <= from) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    double covered = 0;
    for (int i = lo; i < intervals.size() && intervals.get(i)[0] < to; i++) {
      double[] iv = intervals.get(i);
      covered += Math.max(0, Math.min(iv[1], to) - Math.max(iv[0], from));
    }
    return covered;
  }

  /**
   * The sizes that the PyTorch twin prints too: the trained and the momentum-encoder parameter
   * counts, the input and feature-map shapes, and the columns of each term's logits.
   */
  static Map<String, String> check(PretrainConfig config, PretrainModel model) {
    Map<String, String> check = new LinkedHashMap<>();
    long trainedValues = trainedValues(model);
    long keyValues = 0;
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      Parameter.Type type = p.getValue().getType();
      boolean statistic = type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR;
      if (!p.getValue().requiresGradient() && !statistic) {
        keyValues += p.getValue().getArray().size();
      }
    }
    int b = config.batchSize();
    int frames = config.clip().frames();
    int crop = config.clip().crop();
    Shape map = model.queryBackbone().featureMapShape(frames, crop);
    long slices = map.get(2);
    long cells = map.get(3) * map.get(4);
    int queue = config.model().queueSize();
    check.put("trained", Long.toString(trainedValues));
    check.put("key", Long.toString(keyValues));
    check.put("clip", shape(b, 3, frames, crop, crop));
    check.put("map", shape(b, map.get(1), slices, map.get(3), map.get(4)));
    check.put("instance_logits", shape(b, 1 + queue));
    if (config.model().method() == Method.FIMA) {
      check.put(
          "local_clips",
          config.clip().localClips()
              + "x"
              + shape(b, 3, config.clip().localClipFrames(), crop, crop));
      check.put("local_logits", shape(b, 1 + localNegatives(config, b, slices) + queue));
      check.put(
          "dense_logits", shape(b * cells, b * slices * cells + config.model().denseQueueSize()));
    }
    return check;
  }

  /**
   * Returns the number of values a model trains (its momentum encoder and statistics left out).
   *
   * @param model the model
   * @return the count
   */
  static long trainedValues(PretrainModel model) {
    long n = 0;
    for (Pair<String, Parameter> p : model.trainable().getParameters()) {
      if (p.getValue().requiresGradient()) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }

  private static long localNegatives(PretrainConfig config, int b, long slices) {
    LocalNegatives negatives = config.loss().localNegatives();
    return switch (negatives) {
      case REFERENCE -> (2 * slices - 1) * b;
      case ALL_IN_BATCH -> 2 * slices * b - 1;
      case OTHER_VIDEOS -> 2 * slices * (b - 1);
    };
  }

  private static String shape(long... dims) {
    StringBuilder s = new StringBuilder();
    for (long d : dims) {
      s.append(s.length() == 0 ? "" : "x").append(d);
    }
    return s.toString();
  }

  /** Arrays alive in every DJL manager, the engine's system manager and below. */
  static long liveArrays() {
    try (NDManager probe = NDManager.newBaseManager(Device.cpu())) {
      NDManager system = probe.getParentManager();
      return system == null ? -1 : system.getManagedArrays().size();
    }
  }

  /** CPU time of the whole process (every libtorch and Java thread). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
