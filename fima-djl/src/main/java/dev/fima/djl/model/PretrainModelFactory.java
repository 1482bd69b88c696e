package dev.fima.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.fima.api.config.PretrainConfig;

/**
 * Builds the model of a pretraining run (FIMA or the MoCo baseline), so that the training loop and
 * the export do not depend on how models are assembled. {@link PretrainModels#byMethod} chooses one
 * per {@code model.method}; Guice binds that choice over a map binder of these, one per method.
 */
public interface PretrainModelFactory {

  /**
   * Builds and initialises a model. Random initial values come from the engine's generator, which
   * the caller seeds first, so the same seed gives the same model.
   *
   * @param config the run (backbone, model, clip sizes)
   * @param manager manager whose device receives every parameter; it owns them
   * @param devices devices the batch is spread over, the manager's first; the model splits each
   *     batch over them itself
   * @return an initialised model whose key side equals its query side
   */
  PretrainModel create(PretrainConfig config, NDManager manager, Device... devices);
}
