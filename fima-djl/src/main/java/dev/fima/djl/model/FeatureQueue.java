package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * A first-in-first-out memory of key embeddings, the negatives of a contrastive loss (section 6 of
 * the method notes). Writes wrap around the end, so any number of keys can be enqueued at once: the
 * reference's {@code K % n == 0} assertion, which rejects its own shipped batch sizes, is gone.
 *
 * <p>Entries are rows: {@link #features()} is {@code [K, D]}, so logits against the queue are
 * {@code q.matMul(queue.features().transpose())}. The queue starts as random unit vectors drawn
 * from a seed, like the reference's normalised Gaussian columns.
 *
 * <p>Writes are in place. An array computed from {@link #features()} whose gradient still needs the
 * queue (logits awaiting backward) must not outlive the next {@link #enqueue}; a caller that
 * enqueues between computing logits and backward takes a {@link #snapshot} first.
 */
public final class FeatureQueue implements AutoCloseable {

  private final NDManager manager;
  private final NDArray features;
  private int pointer;

  /**
   * Creates a queue of random unit vectors.
   *
   * @param parent manager whose device holds the queue; the queue opens and owns a sub-manager
   * @param size number of entries K
   * @param dim embedding size D
   * @param seed seed of the initial random entries
   */
  public FeatureQueue(NDManager parent, int size, int dim, long seed) {
    if (size < 1 || dim < 1) {
      throw new IllegalArgumentException(
          "queue size and dim must be positive: " + size + "x" + dim);
    }
    this.manager = parent.newSubManager();
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[size * dim];
    for (int row = 0; row < size; row++) {
      double norm = 0;
      for (int c = 0; c < dim; c++) {
        double v = gaussian(random);
        values[row * dim + c] = (float) v;
        norm += v * v;
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int c = 0; c < dim; c++) {
        values[row * dim + c] *= inv;
      }
    }
    this.features = manager.create(values, new Shape(size, dim));
    this.pointer = 0;
  }

  /**
   * Returns the live queue, {@code [K, D]}; see the class comment about in-place writes.
   *
   * @return the entries
   */
  public NDArray features() {
    return features;
  }

  /**
   * Returns a copy of the queue that later writes do not touch.
   *
   * @param target manager that owns the copy
   * @return the copied entries, {@code [K, D]}
   */
  public NDArray snapshot(NDManager target) {
    NDArray copy = features.duplicate();
    copy.attach(target);
    return copy;
  }

  /**
   * Writes keys at the pointer, wrapping around the end, and advances the pointer by their count
   * modulo K. When more than K keys arrive, only the last K are kept.
   *
   * @param keys {@code [n, D]}, detached from any gradient
   */
  public void enqueue(NDArray keys) {
    long n = keys.getShape().get(0);
    int size = size();
    if (keys.getShape().dimension() != 2 || keys.getShape().get(1) != dim()) {
      throw new IllegalArgumentException("keys must be [n, " + dim() + "], got " + keys.getShape());
    }
    NDArray source = keys.stopGradient();
    if (n > size) {
      source = source.get(new NDIndex((n - size) + ":"));
      pointer = (int) ((pointer + n - size) % size);
      n = size;
    }
    source = source.toDevice(features.getDevice(), false).toType(features.getDataType(), false);
    int first = (int) Math.min(n, size - pointer);
    features.set(new NDIndex(pointer + ":" + (pointer + first)), source.get(":" + first));
    if (first < n) {
      features.set(new NDIndex("0:" + (n - first)), source.get(first + ":"));
    }
    pointer = (int) ((pointer + n) % size);
  }

  /**
   * Returns the index of the next row to be written.
   *
   * @return the pointer, in [0, K)
   */
  public int pointer() {
    return pointer;
  }

  /**
   * Returns the number of entries K.
   *
   * @return K
   */
  public int size() {
    return (int) features.getShape().get(0);
  }

  /**
   * Returns the embedding size D.
   *
   * @return D
   */
  public int dim() {
    return (int) features.getShape().get(1);
  }

  /**
   * Restores the entries and pointer saved in a checkpoint.
   *
   * @param entries {@code [K, D]} entries
   * @param savedPointer the saved pointer
   */
  public void restore(NDArray entries, int savedPointer) {
    if (!entries.getShape().equals(features.getShape())) {
      throw new IllegalArgumentException(
          "queue shape " + features.getShape() + " cannot take saved " + entries.getShape());
    }
    if (savedPointer < 0 || savedPointer >= size()) {
      throw new IllegalArgumentException("queue pointer out of range: " + savedPointer);
    }
    features.set(new NDIndex(":"), entries.toDevice(features.getDevice(), false));
    pointer = savedPointer;
  }

  @Override
  public void close() {
    manager.close();
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
