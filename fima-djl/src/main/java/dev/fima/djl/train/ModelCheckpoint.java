package dev.fima.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fima.api.DataException;
import dev.fima.api.config.Configs;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.io.ParameterFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkpoint of a block trained by a {@link TrainingLoop}: every parameter of the block by name
 * ({@code model.ndlist}, batch-norm statistics included), the optimiser's momentum of every trained
 * parameter by name ({@code optimizer.ndlist}) and the {@link Position} ({@code position.json}).
 * That is all a resumed run needs, since every random choice derives from the seed and the
 * position. Pretraining and fine-tuning write the first two files with these methods beside their
 * own.
 *
 * <pre>{@code
 * ModelCheckpoint content = new ModelCheckpoint(block, sgd);
 * // ... builder.checkpoints(store, policy, content); to resume:
 * Path checkpoint = CheckpointStore.resolve(runFolder);
 * Position start = content.restore(checkpoint, manager);
 * }</pre>
 */
public final class ModelCheckpoint implements CheckpointContent {

  /** The parameters. */
  public static final String MODEL = "model.ndlist";

  /** The optimiser state. */
  public static final String OPTIMIZER = "optimizer.ndlist";

  /** The position. */
  public static final String POSITION = "position.json";

  private static final ObjectMapper JSON = Configs.json();

  private final Block model;
  private final Block trainable;
  private final MomentumSgd optimizer;

  /**
   * Creates the content of a block whose every parameter is trained.
   *
   * @param model the block, initialised
   * @param optimizer its optimiser
   */
  public ModelCheckpoint(Block model, MomentumSgd optimizer) {
    this(model, model, optimizer);
  }

  /**
   * Creates the content of a model of which a part is trained.
   *
   * @param model every parameter saved
   * @param trainable the part whose momentum is saved
   * @param optimizer the optimiser
   */
  public ModelCheckpoint(Block model, Block trainable, MomentumSgd optimizer) {
    this.model = model;
    this.trainable = trainable;
    this.optimizer = optimizer;
  }

  @Override
  public void write(Path folder, Position position) throws IOException {
    writeParameters(folder, model, position.step());
    writeOptimizer(folder, trainable, optimizer);
    Files.writeString(folder.resolve(POSITION), JSON.writeValueAsString(position));
  }

  /**
   * Loads a checkpoint this content wrote into the model and the optimiser.
   *
   * @param checkpoint the checkpoint folder
   * @param manager manager for the arrays read (closed by the caller)
   * @return the position to continue from
   * @throws DataException naming the file or the parameter that does not fit
   */
  public Position restore(Path checkpoint, NDManager manager) {
    Path file = checkpoint.resolve(POSITION);
    Position position;
    try {
      position = JSON.readValue(file.toFile(), Position.class);
    } catch (IOException e) {
      throw new DataException(file, "cannot be read: " + DataException.reason(e), e);
    }
    loadParameters(checkpoint, model, manager);
    restoreOptimizer(checkpoint, trainable, optimizer, manager);
    return position;
  }

  /**
   * Writes every parameter of a block into {@link #MODEL}, refusing a block that holds a NaN.
   *
   * @param folder the checkpoint folder
   * @param model the block
   * @param step the step, for the message of a non-finite parameter
   * @throws IOException when the file cannot be written
   */
  public static void writeParameters(Path folder, Block model, long step) throws IOException {
    NamedParameters.requireFinite(model, step);
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      encode(folder.resolve(MODEL), NamedParameters.copy(model, scratch));
    }
  }

  /**
   * Writes the optimiser's momentum of every parameter of a block into {@link #OPTIMIZER}.
   *
   * @param folder the checkpoint folder
   * @param trainable the trained block
   * @param optimizer the optimiser
   * @throws IOException when the file cannot be written
   */
  public static void writeOptimizer(Path folder, Block trainable, MomentumSgd optimizer)
      throws IOException {
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      encode(folder.resolve(OPTIMIZER), optimizer.state(NamedParameters.of(trainable), scratch));
    }
  }

  /**
   * Loads {@link #MODEL} into a block, checking every parameter's name and shape first.
   *
   * @param checkpoint the checkpoint folder
   * @param model the block, initialised
   * @param manager manager for the arrays read
   * @throws DataException naming the file or the parameter that does not fit
   */
  public static void loadParameters(Path checkpoint, Block model, NDManager manager) {
    Path file = checkpoint.resolve(MODEL);
    NamedParameters.load(model, decode(file, manager), file);
  }

  /**
   * Restores the optimiser's momentum from {@link #OPTIMIZER}.
   *
   * @param checkpoint the checkpoint folder
   * @param trainable the trained block
   * @param optimizer the optimiser
   * @param manager manager for the arrays read
   * @throws DataException naming the file when it does not fit the block
   */
  public static void restoreOptimizer(
      Path checkpoint, Block trainable, MomentumSgd optimizer, NDManager manager) {
    Path file = checkpoint.resolve(OPTIMIZER);
    try {
      optimizer.restore(NamedParameters.of(trainable), decode(file, manager));
    } catch (IllegalArgumentException e) {
      throw new DataException(file, "cannot restore the optimiser: " + e.getMessage(), e);
    }
  }

  /**
   * Writes arrays into a file.
   *
   * @param file the file
   * @param list the arrays
   * @throws IOException when the file cannot be written
   */
  public static void encode(Path file, NDList list) throws IOException {
    ParameterFiles.write(file, list);
  }

  /**
   * Reads the arrays of a checkpoint file.
   *
   * @param file the file
   * @param manager receives the arrays
   * @return the arrays
   * @throws DataException naming the file when it is missing or cannot be decoded
   */
  public static NDList decode(Path file, NDManager manager) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file, "is missing from the checkpoint");
    }
    return ParameterFiles.read(file, manager);
  }
}
