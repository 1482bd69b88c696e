package dev.fima.eval.classify;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fima.api.DataException;
import dev.fima.api.io.AtomicFiles;
import dev.fima.djl.train.NamedParameters;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A block's parameters in one file, by name ({@link NamedParameters}), loaded all or nothing: a
 * missing, unexpected or differently shaped parameter is an error naming it and the file, and
 * nothing is changed then. The reference loads with {@code strict=False}.
 */
public final class ParameterFiles {

  private ParameterFiles() {}

  /**
   * Writes every parameter of a block into a file (written whole or not at all).
   *
   * @param block an initialised block
   * @param file the file
   * @param manager a manager for the temporary copies
   * @throws IOException when writing fails
   */
  public static void save(Block block, Path file, NDManager manager) throws IOException {
    try (NDManager scratch = manager.newSubManager()) {
      NDList named = NamedParameters.copy(block, scratch);
      AtomicFiles.write(
          file,
          out -> {
            OutputStream buffered = new BufferedOutputStream(out);
            named.encode(buffered);
            buffered.flush();
          });
    }
  }

  /**
   * Loads a file written by {@link #save} into an initialised block, in place, on the device of
   * each parameter.
   *
   * @param block the block
   * @param file the file
   * @param manager a manager for the temporary arrays read
   * @throws DataException naming the file and the parameter on any mismatch, or when unreadable
   */
  public static void load(Block block, Path file, NDManager manager) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file, "is missing");
    }
    try (NDManager scratch = manager.newSubManager();
        InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      NDList saved;
      try {
        saved = NDList.decode(scratch, in);
      } catch (RuntimeException e) {
        throw new DataException(file, "is not a parameter file: " + e.getMessage(), e);
      }
      NamedParameters.load(block, saved, file);
    } catch (IOException e) {
      throw new DataException(file, "cannot be read: " + e.getMessage(), e);
    }
  }
}
