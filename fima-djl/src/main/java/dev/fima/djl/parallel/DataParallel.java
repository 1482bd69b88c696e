package dev.fima.djl.parallel;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.ConfigException;
import dev.fima.api.FimaException;
import dev.fima.collectives.CollectiveGroup;
import dev.fima.collectives.Rendezvous;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * This process's place in a data-parallel run: its rank among the ranks {@code fima launch}
 * started, and the collectives the training loop needs on NDArrays (rank 0's values broadcast, a
 * step's gradients and values averaged, keys gathered), each one call of a {@link CollectiveGroup}
 * however many arrays it moves. A run of one rank ({@link #single()}) has the same methods, which
 * then return their input and start no worker.
 *
 * <p>Every collective waits at most {@link #timeout()} for the other ranks: a rank that died fails
 * the others at once, one that is stuck at the timeout, with a {@link FimaException} naming this
 * rank and the operation. Every rank must make the same calls, in the same order, with arrays of
 * the same shapes.
 *
 * <pre>{@code
 * try (DataParallel ranks = DataParallel.fromEnvironment()) {
 *   ranks.broadcast(parameters);          // every rank starts from rank 0's values
 *   ranks.allReduceMean(head, gradients); // each step, in one call
 * }
 * }</pre>
 */
public final class DataParallel implements AutoCloseable {

  /** Environment variable: the timeout of every collective, in seconds (300 by default). */
  public static final String TIMEOUT_VARIABLE = "FIMA_COLLECTIVE_TIMEOUT_SECONDS";

  /** The collectives' timeout when {@value #TIMEOUT_VARIABLE} is not set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** How a run joins its ranks; bound by Guice so that tests can run a rank of their own. */
  @FunctionalInterface
  public interface Joiner {
    /**
     * Joins this process's group.
     *
     * @return the membership; the caller closes it
     */
    DataParallel join();
  }

  private final CollectiveGroup group;
  private final int rank;
  private final int worldSize;
  private final Duration timeout;
  private double allReduceSeconds;
  private double gatherSeconds;

  private DataParallel(CollectiveGroup group, int rank, int worldSize, Duration timeout) {
    this.group = group;
    this.rank = rank;
    this.worldSize = worldSize;
    this.timeout = timeout;
  }

  /**
   * Returns the only rank of a run that is not data-parallel.
   *
   * @return rank 0 of 1
   */
  public static DataParallel single() {
    return new DataParallel(null, 0, 1, DEFAULT_TIMEOUT);
  }

  /**
   * Joins a group: starts this rank's collective worker and waits for every rank.
   *
   * @param rendezvous this rank and the store the ranks meet at
   * @param timeout the timeout of every later collective
   * @return the rank's membership
   */
  public static DataParallel join(Rendezvous rendezvous, Duration timeout) {
    CollectiveGroup group = CollectiveGroup.builder(rendezvous).join();
    return new DataParallel(group, rendezvous.rank(), rendezvous.worldSize(), timeout);
  }

  /**
   * Joins the group {@code fima launch} (or {@code torchrun}) gave this process through its
   * environment, with the timeout {@value #TIMEOUT_VARIABLE} names; without a launcher, the single
   * rank of a plain run.
   *
   * @return the rank's membership
   * @throws ConfigException naming the variable that is malformed
   */
  public static DataParallel fromEnvironment() {
    Map<String, String> env = System.getenv();
    if (!Rendezvous.isLaunched(env) || worldSize(env) == 1) {
      return single();
    }
    return join(Rendezvous.fromEnvironment(env), timeout(env));
  }

  /**
   * Returns the number of ranks the environment announces, before any is joined: 1 without a
   * launcher.
   *
   * @param env the environment variables
   * @return the world size
   * @throws ConfigException naming the variable when it is malformed
   */
  public static int worldSize(Map<String, String> env) {
    if (!Rendezvous.isLaunched(env)) {
      return 1;
    }
    return Rendezvous.fromEnvironment(env).worldSize();
  }

  /**
   * Returns the collectives' timeout an environment gives ({@value #TIMEOUT_VARIABLE}).
   *
   * @param env the environment variables
   * @return the timeout, {@link #DEFAULT_TIMEOUT} when unset
   * @throws ConfigException naming the variable when it is not a positive number of seconds
   */
  public static Duration timeout(Map<String, String> env) {
    String text = env.get(TIMEOUT_VARIABLE);
    if (text == null || text.isBlank()) {
      return DEFAULT_TIMEOUT;
    }
    try {
      double seconds = Double.parseDouble(text.strip());
      if (seconds > 0 && seconds <= 7 * 24 * 3600) {
        return Duration.ofMillis(Math.round(seconds * 1000));
      }
    } catch (NumberFormatException notANumber) {
      // Reported below.
    }
    throw new ConfigException(
        TIMEOUT_VARIABLE, "must be a number of seconds in (0, 604800], got '" + text + "'");
  }

  /**
   * Returns this rank.
   *
   * @return the rank, from 0
   */
  public int rank() {
    return rank;
  }

  /**
   * Returns the number of ranks.
   *
   * @return the world size, 1 for a plain run
   */
  public int worldSize() {
    return worldSize;
  }

  /**
   * Tells whether this rank writes the run's files: rank 0.
   *
   * @return whether this is rank 0
   */
  public boolean leads() {
    return rank == 0;
  }

  /**
   * Returns the timeout of every collective.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Replaces every rank's arrays by rank 0's, in one collective. The arrays are float32 and written
   * in place, so every holder of them (a block's parameters, a queue) sees rank 0's values.
   *
   * @param arrays the arrays, in the same order and of the same shapes on every rank
   */
  public void broadcast(List<NDArray> arrays) {
    if (worldSize == 1 || arrays.isEmpty()) {
      return;
    }
    float[] flat = flatten(new float[0], arrays);
    group.broadcast(flat, timeout);
    unflatten(flat, 0, arrays);
  }

  /**
   * Replaces {@code head} and every array by their means over the ranks, in one collective: the
   * place of a step's loss values (the head) and its gradients.
   *
   * @param head plain values, replaced by their means
   * @param arrays float32 arrays, replaced in place by their means
   */
  public void allReduceMean(float[] head, List<NDArray> arrays) {
    if (worldSize == 1) {
      return;
    }
    long start = System.nanoTime();
    float[] flat = flatten(head, arrays);
    group.allReduceMean(flat, timeout);
    System.arraycopy(flat, 0, head, 0, head.length);
    unflatten(flat, head.length, arrays);
    allReduceSeconds += (System.nanoTime() - start) / 1e9;
  }

  /**
   * Returns every rank's value of an integer, in rank order, to check that the ranks agree.
   *
   * @param value this rank's value, exactly representable as a float (below 2^24)
   * @return every rank's value
   */
  public long[] allGather(long value) {
    if (worldSize == 1) {
      return new long[] {value};
    }
    float[] all = group.allGather(new float[] {value}, timeout);
    long[] values = new long[all.length];
    for (int i = 0; i < all.length; i++) {
      values[i] = (long) all[i];
    }
    return values;
  }

  /**
   * Concatenates each array over the ranks, in rank order, in one collective: part {@code i} of the
   * result is {@code [rank 0's part i; rank 1's part i; ...]} along axis 0, as the reference's
   * {@code concat_all_gather}. The results are new float32 arrays on each part's device and
   * manager, without gradient.
   *
   * @param parts this rank's arrays, the same shapes on every rank
   * @return the gathered arrays, in the order of the parts
   */
  public NDList allGatherRows(List<NDArray> parts) {
    if (worldSize == 1) {
      return new NDList(parts);
    }
    long start = System.nanoTime();
    float[] local = flatten(new float[0], parts);
    float[] all = group.allGather(local, timeout);
    NDList gathered = new NDList(parts.size());
    int offset = 0;
    for (NDArray part : parts) {
      int size = Math.toIntExact(part.size());
      float[] values = new float[size * worldSize];
      for (int r = 0; r < worldSize; r++) {
        System.arraycopy(all, r * local.length + offset, values, r * size, size);
      }
      Shape shape = part.getShape();
      long[] dims = shape.getShape();
      dims[0] *= worldSize;
      gathered.add(moveTo(part.getManager().create(values, new Shape(dims)), part.getDevice()));
      offset += size;
    }
    gatherSeconds += (System.nanoTime() - start) / 1e9;
    return gathered;
  }

  /**
   * Returns once every rank has called it: for work one rank does before the others (rank 0
   * indexing a dataset whose cache the others then read).
   *
   * @param wait how long the others may take
   */
  public void barrier(Duration wait) {
    if (worldSize > 1) {
      group.barrier(wait);
    }
  }

  /**
   * Returns the seconds spent in {@link #allReduceMean} since the last call, and starts counting
   * again.
   *
   * @return the seconds
   */
  public double takeAllReduceSeconds() {
    double s = allReduceSeconds;
    allReduceSeconds = 0;
    return s;
  }

  /**
   * Returns the seconds spent in {@link #allGatherRows} since the last call, and starts counting
   * again.
   *
   * @return the seconds
   */
  public double takeGatherSeconds() {
    double s = gatherSeconds;
    gatherSeconds = 0;
    return s;
  }

  /** Leaves the group; its worker ends. */
  @Override
  public void close() {
    if (group != null) {
      group.close();
    }
  }

  /** Lays out {@code head} and then every array's values in one buffer. */
  private static float[] flatten(float[] head, List<NDArray> arrays) {
    long total = head.length;
    for (NDArray a : arrays) {
      requireFloat(a);
      total += a.size();
    }
    float[] flat = new float[Math.toIntExact(total)];
    System.arraycopy(head, 0, flat, 0, head.length);
    if (arrays.isEmpty()) {
      return flat;
    }
    NDList rows = new NDList(arrays.size());
    for (NDArray a : arrays) {
      rows.add(moveTo(a.reshape(-1), arrays.get(0).getDevice()));
    }
    try (NDArray joined = NDArrays.concat(rows)) {
      float[] values = joined.toFloatArray();
      System.arraycopy(values, 0, flat, head.length, values.length);
    } finally {
      rows.close();
    }
    return flat;
  }

  /** Writes the values after {@code offset} back into the arrays, in place. */
  private static void unflatten(float[] flat, int offset, List<NDArray> arrays) {
    int at = offset;
    for (NDArray target : arrays) {
      int size = Math.toIntExact(target.size());
      float[] values = new float[size];
      System.arraycopy(flat, at, values, 0, size);
      at += size;
      NDManager manager = target.getManager();
      // The source borrows the Java array, so it is closed once the copy is done.
      try (NDArray source = moveTo(manager.create(values, target.getShape()), target.getDevice());
          NDArray view = target.reshape(-1);
          NDArray flatSource = source.reshape(-1)) {
        view.set(new NDIndex(":"), flatSource);
      }
    }
  }

  /**
   * Returns an array on a device: itself when it is there already, else a copy, the original closed
   * (arrays made here would otherwise stay in long-lived managers until they close).
   */
  private static NDArray moveTo(NDArray array, Device device) {
    if (array.getDevice().equals(device)) {
      return array;
    }
    try (array) {
      return array.toDevice(device, false);
    }
  }

  private static void requireFloat(NDArray a) {
    if (a.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("collectives move float32 arrays, got " + a);
    }
  }
}
