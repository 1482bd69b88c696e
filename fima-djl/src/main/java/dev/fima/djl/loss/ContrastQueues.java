package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.fima.api.config.Method;
import dev.fima.api.config.ModelConfig;
import dev.fima.api.random.Seeds;
import dev.fima.djl.model.FeatureQueue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The negative queues of a pretraining run (section 6 of the method notes): the instance queue of
 * RGB keys, the motion queue of local frame-difference keys (FIMA only) and the optional dense
 * queue of frame-difference key cells. They live on the primary device; their entries and pointers
 * are part of every checkpoint.
 */
public final class ContrastQueues implements AutoCloseable {

  /** Name of the instance (RGB key) queue. */
  public static final String INSTANCE = "instance";

  /** Name of the motion (local frame-difference key) queue. */
  public static final String MOTION = "motion";

  /** Name of the dense (frame-difference key cell) queue. */
  public static final String DENSE = "dense";

  private static final String PREFIX = "queue.";
  private static final String POINTER = ".pointer";

  private final Map<String, FeatureQueue> queues = new LinkedHashMap<>();

  /**
   * Creates the queues, each filled with seeded random unit vectors.
   *
   * @param manager manager whose device holds the queues
   * @param instanceSize entries of the instance queue
   * @param motionSize entries of the motion queue, 0 for none
   * @param denseSize entries of the dense queue, 0 for none
   * @param dim embedding size
   * @param seed run seed; each queue draws from its own derived seed
   */
  public ContrastQueues(
      NDManager manager, int instanceSize, int motionSize, int denseSize, int dim, long seed) {
    queues.put(INSTANCE, new FeatureQueue(manager, instanceSize, dim, Seeds.derive(seed, 1)));
    if (motionSize > 0) {
      queues.put(MOTION, new FeatureQueue(manager, motionSize, dim, Seeds.derive(seed, 2)));
    }
    if (denseSize > 0) {
      queues.put(DENSE, new FeatureQueue(manager, denseSize, dim, Seeds.derive(seed, 3)));
    }
  }

  /**
   * Creates the queues a model configuration asks for: the motion and dense queues only for FIMA.
   *
   * @param manager manager whose device holds the queues
   * @param model the model configuration (sizes, embedding, method)
   * @param seed run seed
   * @return the queues
   */
  public static ContrastQueues forModel(NDManager manager, ModelConfig model, long seed) {
    boolean fima = model.method() == Method.FIMA;
    return new ContrastQueues(
        manager,
        model.queueSize(),
        fima ? model.queueSize() : 0,
        fima ? model.denseQueueSize() : 0,
        model.embedding(),
        seed);
  }

  /**
   * Returns the instance queue.
   *
   * @return the queue of RGB keys
   */
  public FeatureQueue instance() {
    return queues.get(INSTANCE);
  }

  /**
   * Returns the motion queue, when there is one.
   *
   * @return the queue of local frame-difference keys
   */
  public Optional<FeatureQueue> motion() {
    return Optional.ofNullable(queues.get(MOTION));
  }

  /**
   * Returns the dense queue, when there is one.
   *
   * @return the queue of frame-difference key cells
   */
  public Optional<FeatureQueue> dense() {
    return Optional.ofNullable(queues.get(DENSE));
  }

  /**
   * Returns every queue by name.
   *
   * @return an unmodifiable view, in the order instance, motion, dense
   */
  public Map<String, FeatureQueue> byName() {
    return Collections.unmodifiableMap(queues);
  }

  /**
   * Returns the state to checkpoint: every queue's entries (named {@code queue.<name>}) and pointer
   * (named {@code queue.<name>.pointer}, an int32 scalar).
   *
   * @param manager manager that receives the copies
   * @return named copies of the entries and pointers
   */
  public NDList state(NDManager manager) {
    NDList list = new NDList();
    for (Map.Entry<String, FeatureQueue> e : queues.entrySet()) {
      NDArray entries = e.getValue().snapshot(manager);
      entries.setName(PREFIX + e.getKey());
      NDArray pointer = manager.create(e.getValue().pointer());
      pointer.setName(PREFIX + e.getKey() + POINTER);
      list.add(entries);
      list.add(pointer);
    }
    return list;
  }

  /**
   * Restores the state written by {@link #state}.
   *
   * @param state the named arrays
   * @throws IllegalArgumentException naming the queue when one is missing or has another shape
   */
  public void restore(NDList state) {
    for (Map.Entry<String, FeatureQueue> e : queues.entrySet()) {
      NDArray entries = state.get(PREFIX + e.getKey());
      NDArray pointer = state.get(PREFIX + e.getKey() + POINTER);
      if (entries == null || pointer == null) {
        throw new IllegalArgumentException("the saved state has no " + e.getKey() + " queue");
      }
      if (!entries.getShape().equals(e.getValue().features().getShape())) {
        throw new IllegalArgumentException(
            "the "
                + e.getKey()
                + " queue is "
                + e.getValue().features().getShape()
                + " but the saved one is "
                + entries.getShape());
      }
      e.getValue()
          .restore(entries, pointer.toType(ai.djl.ndarray.types.DataType.INT32, false).getInt());
    }
  }

  @Override
  public void close() {
    for (FeatureQueue q : queues.values()) {
      q.close();
    }
  }
}
