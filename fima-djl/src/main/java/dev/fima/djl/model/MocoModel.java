package dev.fima.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.ModelConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.ViewInputs;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.djl.nd.StepPhases;

/**
 * The MoCo baseline: RGB-only instance contrast between two windows of a video, with the same
 * momentum encoder, projection head and queue as FIMA but no motion branch. Its views' outputs
 * carry the global query and key embeddings and the crop, and no motion part.
 */
public final class MocoModel implements PretrainModel {

  private final MomentumEncoder encoder;
  private final BlockGroup whole;
  private final BlockGroup trainable;

  /**
   * Builds and initialises the model. Use {@link PretrainModels#create}, which validates first.
   *
   * @param config the run configuration (clip, backbone, model)
   * @param manager manager that owns the parameters; its device is the primary device
   * @param devices devices the batch is spread over, the primary first
   */
  public MocoModel(PretrainConfig config, NDManager manager, Device... devices) {
    ModelConfig m = config.model();
    int frames = config.clip().frames();
    int crop = config.clip().crop();
    encoder =
        new MomentumEncoder(
            config.backbone(),
            frames,
            crop,
            m.projectionHidden(),
            m.embedding(),
            m.momentum(),
            manager,
            devices,
            config.run().seed());
    trainable =
        new BlockGroup()
            .add("queryBackbone", encoder.query())
            .add("queryHead", encoder.queryHead());
    whole =
        new BlockGroup()
            .add("query", trainable)
            .add("keyBackbone", encoder.key())
            .add("keyHead", encoder.keyHead());
    Shape clip = new Shape(1, 3, frames, crop, crop);
    trainable.initialize(manager, DataType.FLOAT32, clip);
    whole.initialize(manager, DataType.FLOAT32, clip);
  }

  @Override
  public FimaOutputs forward(ParameterStore parameterStore, FimaInputs inputs, boolean training) {
    if (training) {
      StepPhases.run(StepPhases.MOMENTUM_UPDATE, encoder::momentumStep);
    }
    NDArray keyM = StepPhases.call(StepPhases.KEY_PASSES, () -> key(inputs.m(), training));
    NDArray keyN = StepPhases.call(StepPhases.KEY_PASSES, () -> key(inputs.n(), training));
    StepPhases.enter(StepPhases.QUERY_PASSES);
    NDArray queryM = query(parameterStore, inputs.m(), training);
    NDArray queryN = query(parameterStore, inputs.n(), training);
    StepPhases.exit(StepPhases.QUERY_PASSES);
    return new FimaOutputs(
        new ViewOutputs(queryM, keyM, inputs.m().crop()),
        new ViewOutputs(queryN, keyN, inputs.n().crop()));
  }

  private NDArray key(ViewInputs view, boolean training) {
    return encoder.keyEmbed(encoder.keyPass(view.rgb(), training).get(1), training);
  }

  private NDArray query(ParameterStore parameterStore, ViewInputs view, boolean training) {
    return encoder
        .queryHead()
        .embed(
            parameterStore,
            encoder.queryPass(parameterStore, view.rgb(), training).get(1),
            training);
  }

  @Override
  public void shuffleKeysAcrossRanks(KeyShuffle shuffle) {
    encoder.shuffleAcrossRanks(shuffle);
  }

  @Override
  public Block block() {
    return whole;
  }

  @Override
  public Block trainable() {
    return trainable;
  }

  @Override
  public VideoBackbone queryBackbone() {
    return encoder.query();
  }

  /**
   * Returns the encoders, for tests and tools that need the key side.
   *
   * @return the query and momentum encoders
   */
  public MomentumEncoder encoder() {
    return encoder;
  }
}
