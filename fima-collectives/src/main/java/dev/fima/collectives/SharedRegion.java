package dev.fima.collectives;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file both a rank and its worker map into memory: the rank writes the floats of a collective
 * into it, the worker hands the very same memory to Gloo as a tensor and the result lands there,
 * with no copy through a pipe or socket. Floats are in the machine's byte order, as libtorch reads
 * them. On Linux the file lives in {@code /dev/shm} (memory, not disk) when that exists; the rank
 * deletes it as soon as both sides have mapped it, so that a killed rank leaves no file behind.
 *
 * <p>Uses only the JDK (the worker's JVM has no FIMA-J classes but this package). A mapping is
 * limited to 2 GiB, 512 M floats.
 */
final class SharedRegion {

  /** The largest region a single mapping can hold, in bytes. */
  static final long MAX_BYTES = Integer.MAX_VALUE & ~7L;

  private final Path file;
  private final MappedByteBuffer bytes;

  private SharedRegion(Path file, MappedByteBuffer bytes) {
    this.file = file;
    this.bytes = bytes;
  }

  /**
   * Maps a file, growing it to the given size first.
   *
   * @param file the file, which exists
   * @param size the size in bytes, at most {@link #MAX_BYTES}
   * @return the mapping
   * @throws IOException when the file cannot be sized or mapped
   */
  static SharedRegion map(Path file, long size) throws IOException {
    if (size <= 0 || size > MAX_BYTES) {
      throw new IllegalArgumentException(
          "a shared region holds 1 to " + MAX_BYTES + " bytes, asked for " + size);
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      if (raf.length() < size) {
        raf.setLength(size);
      }
      // The mapping stays valid after the channel is closed and the file deleted.
      MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, size);
      mapped.order(ByteOrder.nativeOrder());
      return new SharedRegion(file, mapped);
    }
  }

  /** Returns the mapped file. */
  Path file() {
    return file;
  }

  /** Returns the size in bytes. */
  long size() {
    return bytes.capacity();
  }

  /** Returns the mapped memory, for the worker to wrap as a tensor. */
  MappedByteBuffer bytes() {
    return bytes;
  }

  /** Returns a new view of the whole region as floats, in the machine's byte order. */
  FloatBuffer floats() {
    return bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
