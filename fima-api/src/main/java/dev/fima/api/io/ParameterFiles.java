package dev.fima.api.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.fima.api.DataException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * The one parameter file format of FIMA-J: DJL's {@link NDList} encoding of named arrays, each
 * array named by its stable parameter name ({@link NamedParameters}). Checkpoints (model, optimiser
 * momentum, queues), fine-tuned heads and exported backbones all use it. Files are written whole or
 * not at all ({@link AtomicFiles}) and read with clear errors: a missing file, a truncated one
 * (named with its size and, when the block is known, the size it should have) or a file of another
 * kind; loading into a block checks every name, shape and type before anything is copied.
 *
 * <p>Backbones exported before this format was shared wrote their own ({@code FIMA-PARAMS-1}: a
 * count, then each name followed by its array); such files are recognised by their first bytes and
 * still read.
 */
public final class ParameterFiles {

  /** The first bytes of every array in DJL's encoding: {@code writeUTF("NDAR")}. */
  private static final byte[] ARRAY_MAGIC = {0, 4, 'N', 'D', 'A', 'R'};

  /** The tag the earlier export format began with ({@code writeUTF}). */
  private static final String LEGACY_MAGIC = "FIMA-PARAMS-1";

  /** More arrays than any model here has; a larger count means the file is something else. */
  private static final int MAX_ARRAYS = 1 << 20;

  private ParameterFiles() {}

  /** What wrote a parameter file, for the advice a truncated one comes with. */
  public enum Origin {
    /** A file of a run: a checkpoint's arrays or a fine-tuned head. */
    RUN("model", "write"),
    /** An exported backbone's {@code parameters.bin} ({@code fima export}). */
    EXPORT("backbone", "export");

    private final String thing;
    private final String writing;

    Origin(String thing, String writing) {
      this.thing = thing;
      this.writing = writing;
    }
  }

  /**
   * Writes every parameter of a block into a file (written whole or not at all).
   *
   * @param block an initialised block
   * @param file the file
   * @param manager a manager for the temporary copies
   * @return the SHA-256 of the file, in hexadecimal
   * @throws IOException when writing fails
   */
  public static String save(Block block, Path file, NDManager manager) throws IOException {
    try (NDManager scratch = manager.newSubManager()) {
      return write(file, NamedParameters.copy(block, scratch));
    }
  }

  /**
   * Writes named arrays into a file (written whole or not at all).
   *
   * @param file the file
   * @param named the arrays, each with its name set
   * @return the SHA-256 of the file, in hexadecimal
   * @throws IOException when writing fails
   */
  public static String write(Path file, NDList named) throws IOException {
    MessageDigest digest = sha256();
    AtomicFiles.write(
        file,
        out -> {
          OutputStream buffered =
              new BufferedOutputStream(new DigestOutputStream(out, digest), 1 << 16);
          named.encode(buffered);
          buffered.flush();
        });
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Loads a file written by {@link #save} into an initialised block, in place, on the device of
   * each parameter, after checking every name, shape and type; nothing is changed on a mismatch.
   *
   * @param block the block
   * @param file the file
   * @param manager a manager for the temporary arrays read
   * @throws DataException naming the file and the parameter on any mismatch, or when the file is
   *     missing, truncated (with both sizes) or not a parameter file
   */
  public static void load(Block block, Path file, NDManager manager) {
    load(block, file, manager, null, Origin.RUN);
  }

  /**
   * Loads a parameter file into a block, as {@link #load(Block, Path, NDManager)}, after checking
   * the file against the SHA-256 recorded when it was written.
   *
   * @param block the block
   * @param file the file
   * @param manager a manager for the temporary arrays read
   * @param sha256 the expected checksum in hexadecimal, or {@code null} for none
   * @param origin what wrote the file, named in the advice for a truncated one
   * @throws DataException naming the file on a mismatch of checksum, name, shape or type
   */
  public static void load(Block block, Path file, NDManager manager, String sha256, Origin origin) {
    try (NDManager scratch = manager.newSubManager()) {
      NDList saved = read(file, scratch, sha256, block, origin);
      NamedParameters.load(block, saved, file);
    }
  }

  /**
   * Reads the named arrays of a parameter file.
   *
   * @param file the file
   * @param manager manager that owns the arrays read
   * @return the arrays, each with its name
   * @throws DataException naming the file when it is missing, truncated or not a parameter file
   */
  public static NDList read(Path file, NDManager manager) {
    return read(file, manager, null, null, Origin.RUN);
  }

  private static NDList read(
      Path file, NDManager manager, String sha256, Block expected, Origin origin) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file, "is missing");
    }
    MessageDigest digest = sha256();
    boolean legacy = false;
    NDList arrays = new NDList();
    try (InputStream raw = Files.newInputStream(file);
        DigestInputStream hashing = new DigestInputStream(raw, digest);
        DataInputStream in = new DataInputStream(new BufferedInputStream(hashing, 1 << 16))) {
      legacy = startsWithLegacyMagic(in);
      int count = in.readInt();
      if (count < 0 || count > MAX_ARRAYS) {
        throw notParameters(file);
      }
      for (int i = 0; i < count; i++) {
        String legacyName = legacy ? in.readUTF() : null;
        requireArrayMagic(in, file);
        NDArray array = manager.decode(in);
        if (legacyName != null) {
          array.setName(legacyName);
        }
        arrays.add(array);
      }
      // Drain to the end so that the checksum covers the whole file.
      in.transferTo(OutputStream.nullOutputStream());
    } catch (EOFException e) {
      arrays.close();
      throw truncated(file, expected, legacy, origin, e);
    } catch (IOException e) {
      arrays.close();
      throw new DataException(file, "cannot read parameters: " + DataException.reason(e), e);
    } catch (IllegalArgumentException e) {
      arrays.close();
      throw new DataException(file, "is not a parameter file: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      arrays.close();
      throw e;
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (sha256 != null && !sha256.equals(actual)) {
      arrays.close();
      throw new DataException(
          file,
          "checksum differs from the one recorded when it was written (an interrupted or mixed"
              + " copy?): "
              + actual
              + " vs "
              + sha256);
    }
    return arrays;
  }

  /** Reads the earlier export format's tag if the file starts with it, else reads nothing. */
  private static boolean startsWithLegacyMagic(DataInputStream in) throws IOException {
    byte[] tag = LEGACY_MAGIC.getBytes(StandardCharsets.UTF_8);
    in.mark(2 + tag.length);
    byte[] head = new byte[2 + tag.length];
    int read = in.readNBytes(head, 0, head.length);
    if (read == head.length
        && head[0] == 0
        && head[1] == tag.length
        && Arrays.equals(Arrays.copyOfRange(head, 2, head.length), tag)) {
      return true;
    }
    in.reset();
    return false;
  }

  /**
   * Checks that an array starts here, so that a file of another kind is named as such rather than
   * read as lengths that run past its end.
   */
  private static void requireArrayMagic(DataInputStream in, Path file) throws IOException {
    in.mark(ARRAY_MAGIC.length);
    byte[] head = in.readNBytes(ARRAY_MAGIC.length);
    if (head.length < ARRAY_MAGIC.length) {
      throw new EOFException();
    }
    if (!Arrays.equals(head, ARRAY_MAGIC)) {
      throw notParameters(file);
    }
    in.reset();
  }

  private static DataException notParameters(Path file) {
    return new DataException(file, "is not a FIMA-J parameter file");
  }

  private static DataException truncated(
      Path file, Block expected, boolean legacy, Origin origin, EOFException cause) {
    String size = "it has " + size(file) + " bytes";
    if (expected != null) {
      size +=
          ", the parameters of this " + origin.thing + " take " + encodedLength(expected, legacy);
    }
    return new DataException(
        file,
        "is truncated: "
            + size
            + " (an interrupted copy or "
            + origin.writing
            + "?); copy or "
            + origin.writing
            + " it again",
        cause);
  }

  /** Returns how many bytes a block's parameters take in a file of this format. */
  private static long encodedLength(Block block, boolean legacy) {
    long bytes = legacy ? 2 + LEGACY_MAGIC.length() + Integer.BYTES : Integer.BYTES;
    for (Map.Entry<String, Parameter> e : NamedParameters.of(block).entrySet()) {
      NDArray array = e.getValue().getArray();
      if (legacy) {
        bytes += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + array.encode().length;
      } else {
        try (NDArray named = array.duplicate()) {
          named.setName(e.getKey());
          bytes += named.encode().length;
        }
      }
    }
    return bytes;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
