package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.fima.api.config.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The negative queues of a FIMA run (section 6 of the method notes): instance keys, local motion
 * keys and, optionally, dense motion keys. Writes wrap, so any batch size works. Their entries and
 * pointers are part of a checkpoint: {@link #state} and {@link #restore}.
 */
public final class FimaQueues implements AutoCloseable {

  private final FeatureQueue instance;
  private final FeatureQueue motion;
  private final FeatureQueue dense;

  /**
   * Creates the queues of a configuration, filled with seeded random unit vectors.
   *
   * @param manager manager whose device holds the queues
   * @param config sizes ({@code queueSize}, {@code denseQueueSize}) and embedding width
   * @param seed seed of the initial entries
   */
  public FimaQueues(NDManager manager, ModelConfig config, long seed) {
    instance = new FeatureQueue(manager, config.queueSize(), config.embedding(), seed);
    motion = new FeatureQueue(manager, config.queueSize(), config.embedding(), seed + 1);
    dense =
        config.denseQueueSize() > 0
            ? new FeatureQueue(manager, config.denseQueueSize(), config.embedding(), seed + 2)
            : null;
  }

  /**
   * Returns the queue of global RGB keys.
   *
   * @return the instance queue
   */
  public FeatureQueue instance() {
    return instance;
  }

  /**
   * Returns the queue of local motion keys.
   *
   * @return the motion queue
   */
  public FeatureQueue motion() {
    return motion;
  }

  /**
   * Returns the queue of dense motion keys, or {@code null} when {@code denseQueueSize} is 0.
   *
   * @return the dense queue or null
   */
  public FeatureQueue dense() {
    return dense;
  }

  /**
   * Returns the queues' state for a checkpoint: for each queue its entries and its pointer, named
   * {@code <queue>} and {@code <queue>.pointer}. The arrays are copies owned by {@code target}.
   *
   * @param target manager that owns the copies
   * @return the named arrays
   */
  public NDList state(NDManager target) {
    NDList list = new NDList();
    for (Map.Entry<String, FeatureQueue> e : queues().entrySet()) {
      NDArray entries = e.getValue().snapshot(target);
      entries.setName(e.getKey());
      NDArray pointer = target.create(new int[] {e.getValue().pointer()});
      pointer.setName(e.getKey() + ".pointer");
      list.add(entries);
      list.add(pointer);
    }
    return list;
  }

  /**
   * Restores the state saved by {@link #state}.
   *
   * @param state the named arrays
   * @throws IllegalArgumentException when a queue is missing, extra or of another size
   */
  public void restore(NDList state) {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    for (NDArray a : state) {
      byName.put(a.getName(), a);
    }
    Map<String, FeatureQueue> queues = queues();
    if (byName.size() != 2 * queues.size()) {
      throw new IllegalArgumentException(
          "saved queues " + byName.keySet() + " do not match the configured " + queues.keySet());
    }
    for (Map.Entry<String, FeatureQueue> e : queues.entrySet()) {
      NDArray entries = byName.get(e.getKey());
      NDArray pointer = byName.get(e.getKey() + ".pointer");
      if (entries == null || pointer == null) {
        throw new IllegalArgumentException("the checkpoint has no " + e.getKey() + " queue");
      }
      e.getValue().restore(entries, pointer.toIntArray()[0]);
    }
  }

  private Map<String, FeatureQueue> queues() {
    Map<String, FeatureQueue> map = new LinkedHashMap<>();
    map.put("instance", instance);
    map.put("motion", motion);
    if (dense != null) {
      map.put("dense", dense);
    }
    return map;
  }

  @Override
  public void close() {
    instance.close();
    motion.close();
    if (dense != null) {
      dense.close();
    }
  }
}
