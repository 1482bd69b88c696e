package dev.fima.eval.probe;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.Random;

/**
 * Multinomial logistic regression trained with mini-batch SGD on a device: a DJL {@link Linear}
 * layer (zero-initialised, so the result depends only on the data order), softmax cross-entropy,
 * momentum 0.9, L2 weight decay, and a half-cosine decay of the learning rate to zero over the run
 * so that the last epochs settle rather than oscillate.
 *
 * <pre>{@code
 * SoftmaxRegression.Model m = SoftmaxRegression.fit(manager, x, y, classes,
 *     new SoftmaxRegression.Settings(0.1, 1e-4, 100, 256, 42));
 * float[][] logits = m.logits(manager, xTest);
 * }</pre>
 */
public final class SoftmaxRegression {

  /** Momentum of the SGD updates. */
  public static final float MOMENTUM = 0.9f;

  private SoftmaxRegression() {}

  /**
   * Hyper-parameters of one fit.
   *
   * @param lr base learning rate
   * @param weightDecay L2 weight decay (applied to weights and bias, as DJL's SGD does)
   * @param epochs passes over the rows
   * @param batchSize rows per step
   * @param seed seed of the row order
   */
  public record Settings(double lr, double weightDecay, int epochs, int batchSize, long seed) {}

  /**
   * A fitted classifier, held in host memory.
   *
   * @param weight {@code [classes * C]} row-major, row = class
   * @param bias {@code [classes]}
   * @param classes number of classes
   * @param channels feature size C
   * @param finalLoss mean training loss of the last epoch
   */
  public record Model(float[] weight, float[] bias, int classes, int channels, double finalLoss) {

    /**
     * Computes logits on a device.
     *
     * @param manager the manager of the device; arrays made here are closed before returning
     * @param rows {@code [N][C]} features, standardised like the training rows
     * @return {@code [N][classes]} logits
     */
    public float[][] logits(NDManager manager, float[][] rows) {
      float[][] out = new float[rows.length][];
      int chunk = 4096;
      try (NDManager scope = manager.newSubManager()) {
        NDArray w = scope.create(weight, new Shape(classes, channels)).transpose();
        NDArray b = scope.create(bias, new Shape(classes));
        for (int start = 0; start < rows.length; start += chunk) {
          int n = Math.min(chunk, rows.length - start);
          try (NDManager step = scope.newSubManager()) {
            NDArray x = step.create(flatten(rows, start, n, channels), new Shape(n, channels));
            float[] flat = x.matMul(w).add(b).toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < n; i++) {
              float[] r = new float[classes];
              System.arraycopy(flat, i * classes, r, 0, classes);
              out[start + i] = r;
            }
          }
        }
      }
      return out;
    }
  }

  /**
   * Fits a classifier.
   *
   * @param manager the manager of the device to train on; arrays made here are closed before
   *     returning
   * @param rows {@code [N][C]} standardised features
   * @param labels {@code [N]} classes
   * @param classes number of classes
   * @param settings hyper-parameters
   * @return the fitted classifier
   */
  public static Model fit(
      NDManager manager, float[][] rows, int[] labels, int classes, Settings settings) {
    int n = rows.length;
    if (n == 0 || n != labels.length) {
      throw new IllegalArgumentException(n + " rows and " + labels.length + " labels");
    }
    int c = rows[0].length;
    int batch = Math.min(settings.batchSize(), n);
    int stepsPerEpoch = (n + batch - 1) / batch;
    try (NDManager scope = manager.newSubManager()) {
      Linear linear = Linear.builder().setUnits(classes).build();
      linear.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
      linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
      linear.initialize(scope, DataType.FLOAT32, new Shape(1, c));
      Tracker cosine =
          Tracker.cosine()
              .setBaseValue((float) settings.lr())
              .optFinalValue(0f)
              .setMaxUpdates(Math.max(1, settings.epochs() * stepsPerEpoch))
              .build();
      // DJL counts updates from 1; shifting by one makes the first step use the base rate and
      // keeps the last one above zero.
      Tracker firstStepAtBase = update -> cosine.getNewValue(update - 1);
      Optimizer sgd =
          Optimizer.sgd()
              .setLearningRateTracker(firstStepAtBase)
              .optMomentum(MOMENTUM)
              .optWeightDecays((float) settings.weightDecay())
              .build();
      ParameterStore store = new ParameterStore(scope, false);
      Loss loss = Loss.softmaxCrossEntropyLoss();
      NDArray x = scope.create(flatten(rows, 0, n, c), new Shape(n, c));
      long[] longLabels = new long[n];
      for (int i = 0; i < n; i++) {
        longLabels[i] = labels[i];
      }
      NDArray y = scope.create(longLabels);
      Random random = new Random(settings.seed());
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      double epochLoss = Double.NaN;
      for (int epoch = 0; epoch < settings.epochs(); epoch++) {
        shuffle(order, random);
        double lossSum = 0;
        for (int start = 0; start < n; start += batch) {
          int m = Math.min(batch, n - start);
          long[] idx = new long[m];
          for (int i = 0; i < m; i++) {
            idx[i] = order[start + i];
          }
          try (NDManager step = scope.newSubManager()) {
            NDArray index = step.create(idx);
            NDArray xb = x.get(new NDIndex("{}", index));
            NDArray yb = y.get(new NDIndex("{}", index));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray logits = linear.forward(store, new NDList(xb), true).singletonOrThrow();
              NDArray l = loss.evaluate(new NDList(yb), new NDList(logits));
              gc.backward(l);
              lossSum += l.getFloat() * m;
            }
            for (Pair<String, Parameter> p : linear.getParameters()) {
              NDArray weight = p.getValue().getArray();
              try (NDArray grad = weight.getGradient()) {
                sgd.update(p.getValue().getId(), weight, grad);
              }
            }
          }
        }
        epochLoss = lossSum / n;
      }
      float[] w = linear.getParameters().get("weight").getArray().toFloatArray();
      float[] b = linear.getParameters().get("bias").getArray().toFloatArray();
      return new Model(w, b, classes, c, epochLoss);
    }
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static float[] flatten(float[][] rows, int start, int n, int c) {
    float[] flat = new float[n * c];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[start + i], 0, flat, i * c, c);
    }
    return flat;
  }
}
