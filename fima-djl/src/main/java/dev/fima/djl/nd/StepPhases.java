package dev.fima.djl.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.Supplier;

/**
 * The named phases of a training step and its transfers to the host, for a benchmark that wants to
 * know where a step's time goes ({@code fima bench step}). Library code marks its phases:
 *
 * <pre>{@code
 * NDList keys = StepPhases.call(StepPhases.KEY_PASSES, () -> keyPasses(inputs));
 * }</pre>
 *
 * <p>and reads values to the host through {@link #toHost}, so that a benchmark can count the
 * transfers that make a device wait. Phases nest; a benchmark attributes to each the time spent in
 * it outside its nested phases. With no {@link Recorder} installed on the thread, as in every job,
 * marking a phase costs a thread-local read.
 *
 * <p>On a CPU every libtorch operator has finished when its call returns, so host clocks around a
 * phase measure it exactly; on an asynchronous device they measure the time to issue its work.
 */
public final class StepPhases {

  /** The whole step, from the loaded batch to the optimiser's update and the writes after it. */
  public static final String STEP = "step";

  /** Learning rate, engine seed, parameter store and the undo copy of batch-norm statistics. */
  public static final String BOOKKEEPING = "bookkeeping";

  /** Frame differences and colour augmentation of the batch on its device. */
  public static final String AUGMENTATION = "augmentation";

  /** The key encoder's momentum update. */
  public static final String MOMENTUM_UPDATE = "momentum update";

  /** The key encoder's passes and key embeddings, foreground masks included. */
  public static final String KEY_PASSES = "key passes";

  /** The query encoder's passes and query embeddings. */
  public static final String QUERY_PASSES = "query passes";

  /** The motion decoder and the embedding of its predictions. */
  public static final String DECODER = "decoder";

  /** The instance contrast term. */
  public static final String INSTANCE_LOSS = "instance loss";

  /** The local motion contrast term. */
  public static final String LOCAL_LOSS = "local loss";

  /** The dense motion contrast term. */
  public static final String DENSE_LOSS = "dense loss";

  /** The reported statistics beside the loss terms (accuracies, chance values, collapse). */
  public static final String LOSS_STATISTICS = "loss statistics";

  /** The step's values read to the host. */
  public static final String READ_VALUES = "read values";

  /** Backward through the recorded graph. */
  public static final String BACKWARD = "backward";

  /** Gradient norm, clipping and the optimiser's update. */
  public static final String OPTIMIZER = "optimizer";

  /** The keys written into the queues after the update. */
  public static final String ENQUEUE = "enqueue";

  /** Closing the step's arrays. */
  public static final String RELEASE = "release";

  /** The step listeners (metrics log, progress), after the step. */
  public static final String LISTENERS = "listeners";

  private static final ThreadLocal<Recorder> RECORDER = new ThreadLocal<>();

  private StepPhases() {}

  /** Receives the phases and host transfers of the steps run on one thread. */
  public interface Recorder {

    /**
     * A phase begins.
     *
     * @param phase its name
     */
    void enter(String phase);

    /**
     * The phase last entered ends.
     *
     * @param phase its name
     */
    void exit(String phase);

    /**
     * Values were read to the host in one transfer.
     *
     * @param values how many
     */
    default void transfer(long values) {}
  }

  /**
   * Begins a phase on this thread; pair it with {@link #exit} in a {@code finally}, or use {@link
   * #call} or {@link #run}.
   *
   * @param name the phase, one of this class's names
   */
  public static void enter(String name) {
    Recorder recorder = RECORDER.get();
    if (recorder != null) {
      recorder.enter(name);
    }
  }

  /**
   * Ends the phase last entered on this thread.
   *
   * @param name the phase
   */
  public static void exit(String name) {
    Recorder recorder = RECORDER.get();
    if (recorder != null) {
      recorder.exit(name);
    }
  }

  /**
   * Computes something as a phase.
   *
   * @param name the phase
   * @param work the work
   * @param <T> its result type
   * @return its result
   */
  public static <T> T call(String name, Supplier<T> work) {
    enter(name);
    try {
      return work.get();
    } finally {
      exit(name);
    }
  }

  /**
   * Runs something as a phase.
   *
   * @param name the phase
   * @param work the work
   */
  public static void run(String name, Runnable work) {
    enter(name);
    try {
      work.run();
    } finally {
      exit(name);
    }
  }

  /**
   * Installs a recorder for the steps that run on this thread, until {@link #uninstall}.
   *
   * @param recorder the recorder
   */
  public static void install(Recorder recorder) {
    RECORDER.set(recorder);
  }

  /** Removes this thread's recorder. */
  public static void uninstall() {
    RECORDER.remove();
  }

  /**
   * Reads an array's values to the host as float64, in one transfer that a recorder counts: the one
   * way a step's code waits for its device.
   *
   * @param values any shape and type
   * @return the values in row-major order
   */
  public static double[] toHost(NDArray values) {
    double[] read;
    if (values.getDataType() == DataType.FLOAT64) {
      read = values.toDoubleArray();
    } else {
      // Closed here: it would otherwise live as long as the manager of the values it widens.
      try (NDArray wide = values.toType(DataType.FLOAT64, false)) {
        read = wide.toDoubleArray();
      }
    }
    Recorder recorder = RECORDER.get();
    if (recorder != null) {
      recorder.transfer(read.length);
    }
    return read;
  }
}
