package dev.fima.datasets.loader;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns batch buffers into NDArrays without touching fresh native memory for every batch.
 *
 * <p>DJL's {@code create(float[])} copies into a new direct buffer, and an engine-side copy
 * allocates new native memory too; either way tens of megabytes of fresh pages cost a page fault
 * per 4 KiB (measured at 55-90 ms for one 19 MB tensor on this project's machines, more than
 * decoding the samples) and the memory only returns when the garbage collector or the allocator's
 * trimming decides. Instead each array wraps, without a copy, a direct buffer from this pool. A
 * buffer is handed out again only once the array wrapping it has been closed ({@link
 * NDArray#isReleased()}), which the per-step sub-manager of a training loop does every step; a
 * consumer that keeps arrays longer simply makes the pool grow. On a GPU the wrap copies to the
 * device at once, so the buffer is free again immediately. Used by the consumer thread only.
 */
final class StagingArrays {

  /** A pooled buffer and the array currently wrapping it. */
  private static final class Slot {
    final ByteBuffer buffer;
    NDArray owner;

    Slot(int bytes) {
      buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    boolean free() {
      return owner == null || owner.isReleased();
    }
  }

  private final List<Slot> slots = new ArrayList<>();

  /**
   * Creates an array holding the first {@code shape.size()} values of a buffer.
   *
   * @param manager receives the array
   * @param data the values
   * @param shape the array's shape
   * @return the array
   */
  NDArray create(NDManager manager, float[] data, Shape shape) {
    int count = Math.toIntExact(shape.size());
    int bytes = count * Float.BYTES;
    Slot slot = null;
    for (Slot s : slots) {
      if (s.buffer.capacity() == bytes && s.free()) {
        slot = s;
        break;
      }
    }
    if (slot == null) {
      slot = new Slot(bytes);
      slots.add(slot);
    }
    ByteBuffer buffer = slot.buffer;
    buffer.clear();
    buffer.asFloatBuffer().put(data, 0, count);
    NDArray array = manager.create(buffer, shape, DataType.FLOAT32);
    slot.owner = manager.getDevice().isGpu() ? null : array;
    return array;
  }
}
