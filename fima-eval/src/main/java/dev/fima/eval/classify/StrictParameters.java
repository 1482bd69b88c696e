package dev.fima.eval.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fima.api.DataException;
import dev.fima.eval.report.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A parameter file that is loaded all or nothing: every parameter of the block must be present
 * under its name with its shape, and nothing else may be in the file. DJL's own {@code
 * loadParameters} checks neither names against the file's contents nor shapes, and the reference
 * loads with {@code strict=False}; a mismatch here is an error naming the parameter.
 */
public final class StrictParameters {

  private static final String MAGIC = "FIMA-J parameters";
  private static final int FORMAT = 1;

  private StrictParameters() {}

  /**
   * Writes every parameter of a block (atomically).
   *
   * @param block an initialised block
   * @param file the file to write
   */
  public static void save(Block block, Path file) {
    AtomicFiles.write(
        file,
        os -> {
          DataOutputStream out = new DataOutputStream(os);
          out.writeUTF(MAGIC);
          out.writeInt(FORMAT);
          out.writeInt(block.getParameters().size());
          for (Pair<String, Parameter> p : block.getParameters()) {
            byte[] encoded = p.getValue().getArray().encode();
            out.writeUTF(p.getKey());
            out.writeInt(encoded.length);
            out.write(encoded);
          }
          out.flush();
        });
  }

  /**
   * Loads a file into an initialised block, replacing the values of its parameters in place (on
   * their device), after checking that names and shapes match exactly.
   *
   * @param block the block, initialised with the expected shapes
   * @param file the file
   * @param manager a manager for the temporary arrays read from the file
   * @throws DataException naming the file and the first missing, unexpected or mis-shaped parameter
   */
  public static void load(Block block, Path file, NDManager manager) {
    Map<String, NDArray> stored = new LinkedHashMap<>();
    try (NDManager scope = manager.newSubManager();
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (!MAGIC.equals(in.readUTF()) || in.readInt() != FORMAT) {
        throw new DataException(file, "not a FIMA-J parameter file of this version");
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        stored.put(name, scope.decode(bytes));
      }
      Map<String, Parameter> expected = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        expected.put(p.getKey(), p.getValue());
      }
      TreeSet<String> missing = new TreeSet<>(expected.keySet());
      missing.removeAll(stored.keySet());
      if (!missing.isEmpty()) {
        throw new DataException(
            file, "parameter " + missing.first() + " is missing (" + missing.size() + " missing)");
      }
      TreeSet<String> unexpected = new TreeSet<>(stored.keySet());
      unexpected.removeAll(expected.keySet());
      if (!unexpected.isEmpty()) {
        throw new DataException(
            file,
            "unexpected parameter "
                + unexpected.first()
                + " (the file was written by a different architecture)");
      }
      for (Map.Entry<String, Parameter> e : expected.entrySet()) {
        NDArray target = e.getValue().getArray();
        NDArray value = stored.get(e.getKey());
        if (!target.getShape().equals(value.getShape())) {
          throw new DataException(
              file,
              "parameter "
                  + e.getKey()
                  + " has shape "
                  + value.getShape()
                  + " in the file but "
                  + target.getShape()
                  + " in the model");
        }
      }
      for (Map.Entry<String, Parameter> e : expected.entrySet()) {
        NDArray target = e.getValue().getArray();
        stored.get(e.getKey()).toType(target.getDataType(), false).copyTo(target);
      }
    } catch (EOFException e) {
      throw new DataException(file, "truncated parameter file", e);
    } catch (IOException e) {
      throw new DataException(file, "cannot read parameters: " + e.getMessage(), e);
    }
  }
}
