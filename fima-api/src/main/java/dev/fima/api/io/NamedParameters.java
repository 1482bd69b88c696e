package dev.fima.api.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fima.api.DataException;
import dev.fima.api.FimaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A block's parameters as a named list, by the stable names of {@code block.getParameters()} (the
 * path of each parameter in the block tree), and back with every name and shape checked. Unlike
 * {@code Block.loadParameters}, a mismatch is reported by parameter name, and nothing is loaded
 * unless everything matches.
 */
public final class NamedParameters {

  private NamedParameters() {}

  /**
   * Returns a block's parameters by stable name.
   *
   * @param block an initialised block
   * @return name to parameter, in the block's order
   */
  public static Map<String, Parameter> of(Block block) {
    Map<String, Parameter> map = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      map.put(p.getKey(), p.getValue());
    }
    return map;
  }

  /**
   * Copies every parameter value into a named list.
   *
   * @param block an initialised block
   * @param target manager that owns the copies
   * @return the named copies
   */
  public static NDList copy(Block block, NDManager target) {
    NDList list = new NDList();
    for (Map.Entry<String, Parameter> e : of(block).entrySet()) {
      NDArray copy = e.getValue().getArray().duplicate();
      copy.attach(target);
      copy.setName(e.getKey());
      list.add(copy);
    }
    return list;
  }

  /**
   * Finds the first parameter of a block (running statistics included) holding a NaN or an
   * infinity, without copying the parameters.
   *
   * @param block an initialised block
   * @return the first non-finite parameter's name, or {@code null} when all are finite
   */
  public static String firstNonFinite(Block block) {
    for (Map.Entry<String, Parameter> e : of(block).entrySet()) {
      NDArray a = e.getValue().getArray();
      try (NDArray nan = a.isNaN();
          NDArray infinite = a.isInfinite();
          NDArray either = nan.logicalOr(infinite);
          NDArray any = either.any()) {
        if (any.getBoolean()) {
          return e.getKey();
        }
      }
    }
    return null;
  }

  /**
   * Refuses to checkpoint a block holding a NaN or an infinity, so that a diverged state never
   * replaces a good checkpoint.
   *
   * @param block the model about to be written
   * @param step the step the checkpoint would be named after
   * @throws FimaException naming the step and the first non-finite parameter
   */
  public static void requireFinite(Block block, long step) {
    String broken = firstNonFinite(block);
    if (broken != null) {
      throw new FimaException(
          "no checkpoint written at step "
              + step
              + ": parameter "
              + broken
              + " is not finite (a diverged step corrupted it); the earlier checkpoints are kept");
    }
  }

  /**
   * Returns every parameter's shape by name, for descriptors and compatibility checks.
   *
   * @param block an initialised block
   * @return name to shape
   */
  public static Map<String, List<Long>> shapes(Block block) {
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : of(block).entrySet()) {
      List<Long> dims = new ArrayList<>();
      for (long d : e.getValue().getArray().getShape().getShape()) {
        dims.add(d);
      }
      shapes.put(e.getKey(), dims);
    }
    return shapes;
  }

  /**
   * Loads saved values into a block in place, on the device of each parameter, after checking that
   * the names, shapes and types agree exactly; nothing is changed unless everything does.
   *
   * @param block the initialised block to load into
   * @param saved the named values
   * @param source the file they came from, named in errors
   * @throws DataException naming the first parameter that is missing, extra or of another shape or
   *     type
   */
  public static void load(Block block, NDList saved, Path source) {
    Map<String, Parameter> params = of(block);
    Map<String, NDArray> values = new LinkedHashMap<>();
    for (NDArray a : saved) {
      values.put(a.getName(), a);
    }
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray v = values.get(e.getKey());
      NDArray target = e.getValue().getArray();
      if (v == null) {
        throw new DataException(
            source,
            "parameter "
                + e.getKey()
                + " "
                + target.getShape()
                + " is missing from the file (another architecture?)");
      }
      if (!v.getShape().equals(target.getShape())) {
        throw new DataException(
            source,
            "parameter "
                + e.getKey()
                + " has shape "
                + v.getShape()
                + " in the file but "
                + target.getShape()
                + " in the model (another architecture or width?)");
      }
      if (v.getDataType() != target.getDataType()) {
        throw new DataException(
            source,
            "parameter "
                + e.getKey()
                + " is "
                + v.getDataType()
                + " in the file but "
                + target.getDataType()
                + " in the model");
      }
    }
    for (String name : values.keySet()) {
      if (!params.containsKey(name)) {
        throw new DataException(
            source,
            "parameter "
                + name
                + " in the file does not exist in the model (another architecture?)");
      }
    }
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray target = e.getValue().getArray();
      NDArray value = values.get(e.getKey()).toDevice(target.getDevice(), false);
      if (target.getShape().dimension() == 0) {
        try (NDArray view = target.reshape(1)) {
          view.set(new NDIndex(":"), value.reshape(1));
        }
      } else {
        target.set(new NDIndex(":"), value);
      }
    }
  }
}
