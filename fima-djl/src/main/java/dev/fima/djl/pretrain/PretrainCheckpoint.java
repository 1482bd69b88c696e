package dev.fima.djl.pretrain;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.io.NamedParameters;
import dev.fima.djl.loss.ContrastQueues;
import dev.fima.djl.model.FeatureQueue;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.train.ModelCheckpoint;
import dev.fima.djl.train.MomentumSgd;
import dev.fima.djl.train.Position;
import dev.fima.djl.train.RunInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contents of a pretraining checkpoint folder:
 *
 * <ul>
 *   <li>{@code state.json}: format, position (next epoch and batch, steps done), run seed, learning
 *       rate, the full configuration, every parameter's name and shape, every queue's size and
 *       pointer. Random choices are derived from the seed and the position ({@link
 *       dev.fima.api.random.Seeds}), so these two are the generator state.
 *   <li>{@code model.ndlist}: every parameter of the query and key sides, batch-norm statistics
 *       included, by name.
 *   <li>{@code optimizer.ndlist}: the SGD momentum of every trained parameter, by name.
 *   <li>{@code queues.ndlist}: the entries and pointers of every queue.
 * </ul>
 *
 * <p>Loading refuses a checkpoint whose architecture differs from the run's (backbone, model, clip
 * sizes, batch size) with a message naming each differing field, and checks every parameter's name
 * and shape before anything is loaded.
 */
public final class PretrainCheckpoint {

  /** The metadata file. */
  public static final String STATE = "state.json";

  /** The model parameters, as {@link ModelCheckpoint} writes them. */
  public static final String MODEL = ModelCheckpoint.MODEL;

  /** The optimiser state, as {@link ModelCheckpoint} writes it. */
  public static final String OPTIMIZER = ModelCheckpoint.OPTIMIZER;

  /** The queues. */
  public static final String QUEUES = "queues.ndlist";

  /** Version of the layout above. */
  public static final int FORMAT = 1;

  /** Configuration fields that fix the shape of the model or the meaning of a position. */
  private static final List<String> MUST_MATCH = List.of("backbone", "model", "clip", "batchSize");

  private static final ObjectMapper JSON = Configs.json();

  private PretrainCheckpoint() {}

  /**
   * What {@code state.json} holds.
   *
   * @param format layout version
   * @param position where the run stands
   * @param seed the run seed
   * @param learningRate the rate of the last step
   * @param config the run's full configuration
   * @param parameters every parameter's shape by name
   */
  public record State(
      int format,
      Position position,
      long seed,
      double learningRate,
      PretrainConfig config,
      Map<String, List<Long>> parameters) {}

  /**
   * Writes a checkpoint's files into an (empty, temporary) folder.
   *
   * @param folder the folder to fill
   * @param config the run
   * @param position where the run stands
   * @param model the model
   * @param sgd the optimiser
   * @param queues the queues
   * @throws IOException when a file cannot be written
   */
  public static void write(
      Path folder,
      PretrainConfig config,
      Position position,
      PretrainModel model,
      MomentumSgd sgd,
      ContrastQueues queues)
      throws IOException {
    ObjectNode state = JSON.createObjectNode();
    state.put("format", FORMAT);
    state.set("position", JSON.valueToTree(position));
    state.put("seed", config.run().seed());
    state.set("versions", JSON.valueToTree(RunInfo.versions()));
    state.put("learningRate", sgd.learningRate());
    state.put(
        "rng",
        "every random choice is derived from (seed, purpose, epoch, batch): see"
            + " dev.fima.api.random.Seeds");
    state.set("config", JSON.valueToTree(config));
    state.set("parameters", JSON.valueToTree(NamedParameters.shapes(model.block())));
    ObjectNode queueInfo = state.putObject("queues");
    for (Map.Entry<String, FeatureQueue> q : queues.byName().entrySet()) {
      ObjectNode node = queueInfo.putObject(q.getKey());
      node.put("size", q.getValue().size());
      node.put("dim", q.getValue().dim());
      node.put("pointer", q.getValue().pointer());
    }
    ModelCheckpoint.writeParameters(folder, model.block(), position.step());
    ModelCheckpoint.writeOptimizer(folder, model.trainable(), sgd);
    try (NDManager scratch = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      ModelCheckpoint.encode(folder.resolve(QUEUES), queues.state(scratch));
    }
    Files.writeString(folder.resolve(STATE), JSON.writeValueAsString(state));
  }

  /**
   * Estimates a checkpoint's size before writing one: the values of every parameter, of the SGD
   * momentum of the trained ones and of the queues, plus a margin for names, headers and {@code
   * state.json}.
   *
   * @param model the model
   * @param queues the queues
   * @return the expected size in bytes
   */
  public static long estimatedBytes(PretrainModel model, ContrastQueues queues) {
    long bytes = 0;
    for (Parameter p : NamedParameters.of(model.block()).values()) {
      bytes += p.getArray().size() * p.getArray().getDataType().getNumOfBytes();
    }
    for (Parameter p : NamedParameters.of(model.trainable()).values()) {
      bytes += p.getArray().size() * p.getArray().getDataType().getNumOfBytes();
    }
    for (FeatureQueue q : queues.byName().values()) {
      bytes += (long) q.size() * q.dim() * Float.BYTES;
    }
    // Names, array headers and state.json added 5.6 % to the raw values of the tests' r3d-tiny.
    return bytes + bytes / 10 + 64 * 1024;
  }

  /**
   * Reads a checkpoint's {@code state.json}.
   *
   * @param checkpoint the checkpoint folder
   * @return the metadata
   * @throws DataException naming the file when it is missing or malformed
   */
  public static State readState(Path checkpoint) {
    Path file = checkpoint.resolve(STATE);
    if (!Files.isRegularFile(file)) {
      throw new DataException(checkpoint, "is not a pretraining checkpoint (no " + STATE + ")");
    }
    try {
      JsonNode root;
      try {
        root = JSON.readTree(file.toFile());
      } catch (JsonProcessingException e) {
        throw new DataException(
            file, "is not a FIMA-J checkpoint's state (not JSON: " + e.getOriginalMessage() + ")");
      }
      requireOurFormat(file, root);
      PretrainConfig config;
      try {
        config = Configs.bind(root.get("config"), PretrainConfig.class);
      } catch (ConfigException e) {
        throw new DataException(file, "holds an unreadable configuration: " + e.getMessage(), e);
      }
      Position position = JSON.treeToValue(root.get("position"), Position.class);
      Map<String, List<Long>> parameters = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : root.path("parameters").properties()) {
        List<Long> dims = new ArrayList<>();
        f.getValue().forEach(d -> dims.add(d.asLong()));
        parameters.put(f.getKey(), dims);
      }
      return new State(
          FORMAT,
          position,
          root.path("seed").asLong(),
          root.path("learningRate").asDouble(),
          config,
          parameters);
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Fails, saying what the file is instead, unless a state file is one this version reads: a
   * fine-tuning checkpoint's (which has no format field), another program's, or a FIMA-J checkpoint
   * of another format version.
   */
  private static void requireOurFormat(Path file, JsonNode root) {
    JsonNode format = root.get("format");
    if (format != null && format.isInt() && format.asInt() == FORMAT) {
      return;
    }
    if (format == null || !format.isInt()) {
      throw new DataException(
          file,
          root.has("nextEpoch") && root.has("bestEpoch")
              ? "is a fine-tuning checkpoint's state, not a pretraining one: resume it with fima"
                  + " finetune --resume"
              : "is not a FIMA-J pretraining checkpoint's state (it has no format number)");
    }
    JsonNode writer = root.path("versions").path("fima-j");
    throw new DataException(
        file,
        "was written "
            + (writer.isTextual() ? "by FIMA-J " + writer.asText() + " " : "")
            + "in checkpoint format "
            + format.asInt()
            + "; this version of FIMA-J ("
            + RunInfo.fimaVersion()
            + ") reads format "
            + FORMAT);
  }

  /**
   * Restores a run from a checkpoint: model, optimiser momentum and queues.
   *
   * @param checkpoint the checkpoint folder
   * @param config the resuming run's configuration
   * @param model the freshly built model
   * @param sgd the optimiser
   * @param queues the queues
   * @param manager manager for the loaded arrays (closed by the caller)
   * @return the checkpoint's state; its position is where to continue
   * @throws DataException naming the checkpoint and what differs when it does not fit the run
   */
  public static State restore(
      Path checkpoint,
      PretrainConfig config,
      PretrainModel model,
      MomentumSgd sgd,
      ContrastQueues queues,
      NDManager manager) {
    State state = readState(checkpoint);
    List<String> differences = differences(state.config(), config, MUST_MATCH);
    if (!differences.isEmpty()) {
      throw new DataException(
          checkpoint,
          "was written by a run with another architecture or batch: "
              + String.join("; ", differences)
              + ". Resume with the checkpoint's configuration (in its "
              + STATE
              + ") or start a new run.");
    }
    loadModel(checkpoint, model, manager);
    ModelCheckpoint.restoreOptimizer(checkpoint, model.trainable(), sgd, manager);
    try {
      queues.restore(ModelCheckpoint.decode(checkpoint.resolve(QUEUES), manager));
    } catch (IllegalArgumentException e) {
      throw new DataException(checkpoint, e.getMessage(), e);
    }
    sgd.setLearningRate(state.learningRate());
    return state;
  }

  /**
   * Loads a checkpoint's model parameters (both sides) into a model built from its configuration.
   *
   * @param checkpoint the checkpoint folder
   * @param model the model
   * @param manager manager for the loaded arrays
   * @throws DataException naming the parameter that does not fit
   */
  public static void loadModel(Path checkpoint, PretrainModel model, NDManager manager) {
    ModelCheckpoint.loadParameters(checkpoint, model.block(), manager);
  }

  /**
   * Lists the configuration fields under some top-level names whose values differ.
   *
   * @param saved the checkpoint's configuration
   * @param current the run's configuration
   * @param roots the top-level fields to compare; empty compares everything
   * @return one {@code path: saved -> current} entry per differing leaf
   */
  public static List<String> differences(
      PretrainConfig saved, PretrainConfig current, List<String> roots) {
    JsonNode a = JSON.valueToTree(saved);
    JsonNode b = JSON.valueToTree(current);
    List<String> out = new ArrayList<>();
    Iterator<String> names = a.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (roots.isEmpty() || roots.contains(name)) {
        diff(name, a.get(name), b.get(name), out);
      }
    }
    return out;
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Iterator<String> names = a.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        diff(path + "." + name, a.get(name), b.get(name), out);
      }
      return;
    }
    if (a == null ? b != null : !a.equals(b)) {
      out.add(path + ": checkpoint " + a + ", this run " + b);
    }
  }
}
