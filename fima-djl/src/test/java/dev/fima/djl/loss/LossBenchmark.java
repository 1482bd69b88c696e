package dev.fima.djl.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fima.api.config.LocalNegatives;
import dev.fima.api.config.LossConfig;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.MotionOutputs;
import dev.fima.djl.model.ViewOutputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): milliseconds of the FIMA loss terms, forward and backward, at the
 * reference shapes (B = 24, 128-d embeddings, T' = 2, 7 x 7 grids, K = 2240, optional dense queue
 * of 31360), as median wall time and median process CPU time (the machine may be shared). Run with
 * {@code java -cp <test classpath> dev.fima.djl.loss.LossBenchmark [iters]}.
 */
public final class LossBenchmark {

  private LossBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional number of timed iterations (default 20)
   */
  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Engine engine = Engine.getInstance();
    System.out.printf(
        Locale.ROOT,
        "engine %s %s, %d cores, iterations %d%n",
        engine.getEngineName(),
        engine.getVersion(),
        Runtime.getRuntime().availableProcessors(),
        iterations);
    int batch = 24;
    int grid = 7;
    for (Object[] c :
        new Object[][] {
          {"instance only (MoCo)", 1.0, 0.0, 0.0, 0},
          {"instance + local", 1.0, 1.0, 0.0, 0},
          {"instance + local + dense (UCF101)", 1.0, 1.0, 1.0, 0},
          {"... + dense queue 31360 (K400)", 1.0, 1.0, 1.0, 31360},
        }) {
      double[] ms =
          time(batch, grid, (double) c[1], (double) c[2], (double) c[3], (int) c[4], iterations);
      System.out.printf(
          Locale.ROOT, "%-36s wall %8.1f ms  process cpu %8.1f ms%n", c[0], ms[0], ms[1]);
    }
  }

  private static double[] time(
      int batch,
      int grid,
      double inst,
      double local,
      double dense,
      int denseQueue,
      int iterations) {
    LossConfig config =
        new LossConfig(0.1, 0.1, 0.7, inst, local, dense, false, LocalNegatives.REFERENCE);
    try (NDManager root = NDManager.newBaseManager();
        ContrastQueues queues = new ContrastQueues(root, 2240, 2240, denseQueue, 128, 1)) {
      FimaLoss loss = new FimaLoss(config, queues);
      double[] times = new double[iterations];
      double[] cpu = new double[iterations];
      for (int i = -3; i < iterations; i++) {
        try (NDManager step = root.newSubManager()) {
          FimaOutputs o = outputs(step, batch, grid);
          long t0 = System.nanoTime();
          long c0 = cpuNanos();
          try (GradientCollector gc = engine().newGradientCollector()) {
            gc.backward(loss.compute(o).total());
          }
          loss.enqueue(o);
          o.m().query().getGradient().getFloat(0, 0);
          if (i >= 0) {
            times[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (cpuNanos() - c0) / 1e6;
          }
        }
      }
      Arrays.sort(cpu);
      Arrays.sort(times);
      return new double[] {times[iterations / 2], cpu[iterations / 2]};
    }
  }

  /** CPU time of the whole process (libtorch's worker threads included), robust to contention. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static Engine engine() {
    return Engine.getInstance();
  }

  private static NDArray unit(NDManager m, long... shape) {
    NDArray x = m.randomNormal(new Shape(shape));
    NDArray n = x.div(x.norm(new int[] {1}, true));
    n.setRequiresGradient(true);
    return n;
  }

  private static List<NDArray> two(NDManager m, long... shape) {
    return new ArrayList<>(List.of(unit(m, shape), unit(m, shape)));
  }

  private static FimaOutputs outputs(NDManager m, int b, int g) {
    NDArray coords = m.create(new float[] {0.1f, 0.1f, 0.8f, 0.9f}).reshape(1, 4).repeat(0, b);
    NDArray flipped = m.create(new float[] {0.9f, 0.2f, 0.2f, 0.8f}).reshape(1, 4).repeat(0, b);
    NDArray fg = m.randomUniform(0, 1, new Shape(b, g, g)).gt(0.5f);
    NDArray queryM = unit(m, b, 128);
    NDArray queryN = unit(m, b, 128);
    NDArray keyM = unit(m, b, 128);
    NDArray keyN = unit(m, b, 128);
    List<NDArray> localKeysM = two(m, b, 128);
    List<NDArray> localKeysN = two(m, b, 128);
    List<NDArray> clsPredN = two(m, b, 128);
    List<NDArray> clsPredM = two(m, b, 128);
    List<NDArray> densePredN = two(m, b, 128, g, g);
    List<NDArray> densePredM = two(m, b, 128, g, g);
    List<NDArray> denseTargetN = two(m, b, 128, g, g);
    List<NDArray> denseTargetM = two(m, b, 128, g, g);
    return new FimaOutputs(
        new ViewOutputs(
            queryM,
            keyM,
            coords,
            new MotionOutputs(localKeysM, denseTargetM, fg, clsPredM, densePredM)),
        new ViewOutputs(
            queryN,
            keyN,
            flipped,
            new MotionOutputs(localKeysN, denseTargetN, fg, clsPredN, densePredN)));
  }
}
