package dev.fima.api.config;

/**
 * Everything one pretraining run needs; written next to its checkpoints and results.
 *
 * @param data where the videos are
 * @param clip how clips are cut
 * @param augment spatial and colour augmentation
 * @param backbone which backbone
 * @param model the FIMA model around it
 * @param loss loss terms and weights
 * @param optim optimiser and schedule
 * @param epochs number of epochs
 * @param batchSize samples per optimiser step, over all devices
 * @param checkpoint checkpoint policy
 * @param run seed, devices and output folder
 */
public record PretrainConfig(
    DataConfig data,
    ClipConfig clip,
    AugmentConfig augment,
    BackboneConfig backbone,
    ModelConfig model,
    LossConfig loss,
    OptimConfig optim,
    int epochs,
    int batchSize,
    CheckpointConfig checkpoint,
    RunConfig run) {

  /** Validates the ranges and combinations that need no knowledge of the backbone. */
  public PretrainConfig {
    Check.present("data", data);
    Check.present("clip", clip);
    Check.present("augment", augment);
    Check.present("backbone", backbone);
    Check.present("model", model);
    Check.present("loss", loss);
    Check.present("optim", optim);
    Check.present("checkpoint", checkpoint);
    Check.present("run", run);
    Check.atLeast("epochs", epochs, 1);
    Check.atLeast("batchSize", batchSize, 2);
    Check.that(
        model.queueSize() >= batchSize,
        "model.queueSize",
        "must be at least batchSize = " + batchSize + ", got " + model.queueSize());
  }

  /**
   * Returns the reference UCF101 pretraining run, at the 112-pixel crop of the argparse defaults.
   *
   * @return the defaults
   */
  public static PretrainConfig defaults() {
    return new PretrainConfig(
        DataConfig.defaults(),
        ClipConfig.defaults(),
        AugmentConfig.defaults(),
        BackboneConfig.defaults(),
        ModelConfig.defaults(),
        LossConfig.defaults(),
        OptimConfig.defaults(),
        200,
        24,
        CheckpointConfig.defaults(),
        RunConfig.defaults());
  }
}
