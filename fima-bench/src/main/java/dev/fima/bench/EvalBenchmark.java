package dev.fima.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fima.api.FimaRuntime;
import dev.fima.eval.features.ClipFeatures;
import dev.fima.eval.features.FeatureCache;
import dev.fima.eval.probe.SoftmaxRegression;
import dev.fima.eval.probe.Standardizer;
import dev.fima.eval.retrieval.NearestNeighbours;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times the evaluation steps that run after feature extraction, at the size of UCF101 split 1 (9537
 * training and 3783 test videos, 101 classes) with 512-dimensional features, on synthetic features
 * so that no dataset or backbone is needed. Prints one line per measurement.
 *
 * <pre>
 * java -cp "$(cat cp.txt):fima-bench/target/classes" dev.fima.bench.EvalBenchmark [scale]
 * </pre>
 *
 * {@code scale} (default 1) multiplies the video counts, for a quick run use 0.1.
 */
public final class EvalBenchmark {

  private EvalBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional scale factor
   * @throws IOException when the temporary cache folder cannot be used
   */
  public static void main(String[] args) throws IOException {
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    int train = (int) Math.round(9537 * scale);
    int test = (int) Math.round(3783 * scale);
    int classes = 101;
    int channels = 512;
    Engine engine = FimaRuntime.engine();
    System.out.printf(
        Locale.ROOT,
        "engine %s %s, %d threads available, train %d, test %d, C %d, classes %d%n",
        engine.getEngineName(),
        engine.getVersion(),
        Runtime.getRuntime().availableProcessors(),
        train,
        test,
        channels,
        classes);
    Random random = new Random(1);
    float[][] centres = gaussian(random, classes, channels, 1);
    int[] yTrain = new int[train];
    int[] yTest = new int[test];
    float[][] xTrain = samples(random, centres, yTrain);
    float[][] xTest = samples(random, centres, yTest);

    try (NDManager manager = engine.newBaseManager()) {
      // One classifier fit of the probe (the sweep does |lrGrid| x |wdGrid| of them, plus one).
      long t0 = System.nanoTime();
      Standardizer std = Standardizer.fit(xTrain);
      float[][] z = std.apply(xTrain);
      SoftmaxRegression.Model model =
          SoftmaxRegression.fit(
              manager, z, yTrain, classes, new SoftmaxRegression.Settings(0.1, 1e-4, 100, 256, 1));
      double fit = seconds(t0);
      float[][] logits = model.logits(manager, std.apply(xTest));
      int hits = 0;
      for (int i = 0; i < test; i++) {
        hits += argMax(logits[i]) == yTest[i] ? 1 : 0;
      }
      System.out.printf(
          Locale.ROOT,
          "probe fit (100 epochs, batch 256): %.1f s, %.2f ms/step, test top-1 %.3f%n",
          fit,
          1000 * fit / (100.0 * Math.ceil(train / 256.0)),
          hits / (double) test);

      long t1 = System.nanoTime();
      int[][] ranked = NearestNeighbours.rank(manager, xTrain, xTest, 50);
      System.out.printf(
          Locale.ROOT,
          "retrieval ranking (%d queries x %d gallery, top 50): %.2f s%n",
          ranked.length,
          train,
          seconds(t1));
    }

    // Cache round trip of the test features at 10 clips x 3 crops.
    int views = 30;
    float[] values = new float[test * views * channels];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    ClipFeatures f = new ClipFeatures(views, channels, values, yTest, new int[test], List.of(), 0);
    Path dir = Files.createTempDirectory("fima-bench-cache");
    try {
      FeatureCache cache = new FeatureCache(dir);
      Map<String, Object> key = Map.of("bench", 1);
      long t2 = System.nanoTime();
      cache.store("test", key, f);
      double store = seconds(t2);
      long t3 = System.nanoTime();
      cache.load("test", key).orElseThrow();
      double load = seconds(t3);
      System.out.printf(
          Locale.ROOT,
          "feature cache (%d videos x %d views x %d, %.0f MB): store %.2f s, load %.2f s%n",
          test,
          views,
          channels,
          Files.size(cache.fileOf("test")) / 1e6,
          store,
          load);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static float[][] gaussian(Random r, int n, int c, double sigma) {
    float[][] x = new float[n][c];
    for (float[] row : x) {
      for (int j = 0; j < c; j++) {
        row[j] = (float) (sigma * r.nextGaussian());
      }
    }
    return x;
  }

  /** Samples around class centres with noise three times the centres' spread. */
  private static float[][] samples(Random r, float[][] centres, int[] labels) {
    float[][] x = new float[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % centres.length;
      float[] row = new float[centres[0].length];
      for (int j = 0; j < row.length; j++) {
        row[j] = centres[labels[i]][j] + (float) (3 * r.nextGaussian());
      }
      x[i] = row;
    }
    return x;
  }

  private static int argMax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
