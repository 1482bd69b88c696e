package dev.fima.eval.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.io.ParameterFiles;
import dev.fima.djl.train.ModelCheckpoint;
import dev.fima.djl.train.MomentumSgd;
import dev.fima.djl.train.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The contents of a fine-tuning checkpoint folder:
 *
 * <ul>
 *   <li>{@code model.params}: every parameter of the classifier (backbone and head) by name ({@link
 *       ParameterFiles});
 *   <li>{@code optimizer.ndlist}: the SGD momentum of every parameter ({@link ModelCheckpoint});
 *   <li>{@code state.json}: the position ({@code nextEpoch}, {@code nextBatch}, {@code step}) and
 *       the {@link ValidationHistory} ({@code validations}, {@code bestEpoch}, {@code
 *       bestValidationTop1});
 *   <li>{@code config.yaml}: the run's configuration.
 * </ul>
 */
final class FinetuneCheckpoint {

  /** The classifier's parameters. */
  static final String MODEL = "model.params";

  /** The position and the validation history. */
  static final String STATE = "state.json";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private FinetuneCheckpoint() {}

  /**
   * Where a checkpoint leaves a run.
   *
   * @param position the position to continue from
   * @param history the validations so far
   */
  record Restored(Position position, ValidationHistory history) {}

  /**
   * Fills a checkpoint folder.
   *
   * @param folder the (empty, temporary) folder
   * @param position where the run stands
   * @param history the validations so far
   * @param model the classifier
   * @param sgd its optimiser
   * @param config the run's configuration
   * @param manager a manager for temporary copies
   * @throws IOException when a file cannot be written
   */
  static void write(
      Path folder,
      Position position,
      ValidationHistory history,
      Block model,
      MomentumSgd sgd,
      FinetuneConfig config,
      NDManager manager)
      throws IOException {
    NamedParameters.requireFinite(model, position.step());
    ParameterFiles.save(model, folder.resolve(MODEL), manager);
    ModelCheckpoint.writeOptimizer(folder, model, sgd);
    ObjectNode state = JSON.createObjectNode();
    state.put("nextEpoch", position.epoch());
    state.put("nextBatch", position.batch());
    state.put("step", position.step());
    state.setAll((ObjectNode) JSON.valueToTree(history));
    Files.writeString(folder.resolve(STATE), JSON.writeValueAsString(state));
    Files.writeString(folder.resolve("config.yaml"), Configs.toYaml(config));
  }

  /**
   * Loads a checkpoint into the classifier and the optimiser.
   *
   * @param checkpoint the checkpoint folder
   * @param model the classifier, initialised
   * @param sgd its optimiser
   * @param config the resuming run's configuration
   * @param manager a manager for the arrays read
   * @return the position and the validation history
   * @throws DataException naming the file that is not a fine-tuning checkpoint's or does not fit
   * @throws ConfigException naming {@code epochs} when the checkpoint already trained more
   */
  static Restored restore(
      Path checkpoint, Block model, MomentumSgd sgd, FinetuneConfig config, NDManager manager) {
    Path statePath = checkpoint.resolve(STATE);
    JsonNode state = readState(statePath);
    ParameterFiles.load(model, checkpoint.resolve(MODEL), manager);
    ModelCheckpoint.restoreOptimizer(checkpoint, model, sgd, manager);
    Position position =
        new Position(
            state.path("nextEpoch").asInt(),
            state.path("nextBatch").asInt(),
            state.path("step").asLong());
    ValidationHistory history =
        new ValidationHistory(
            JSON.convertValue(
                state.path("validations"), new TypeReference<List<Map<String, Double>>>() {}),
            state.path("bestEpoch").asInt(),
            state.path("bestValidationTop1").asDouble());
    if (position.epoch() > config.epochs()) {
      throw new ConfigException(
          "epochs",
          config.epochs()
              + " is fewer than the "
              + position.epoch()
              + " epochs the checkpoint already trained");
    }
    return new Restored(position, history);
  }

  /** Reads a state file, naming a pretraining checkpoint's given to {@code --resume} as such. */
  private static JsonNode readState(Path statePath) {
    JsonNode state;
    try {
      state = JSON.readTree(statePath.toFile());
    } catch (IOException e) {
      throw new DataException(statePath, "unreadable: " + DataException.reason(e), e);
    }
    if (state.has("format") && !state.has("nextEpoch")) {
      throw new DataException(
          statePath,
          "is a pretraining checkpoint's state, not a fine-tuning one: export its backbone"
              + " (fima export) and give that as --backbone");
    }
    return state;
  }
}
