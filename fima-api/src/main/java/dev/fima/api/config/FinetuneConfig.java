package dev.fima.api.config;

/**
 * Fine-tuning of a whole backbone with a classifier head (section 8 of the method notes, without
 * its hidden dropout override).
 *
 * @param backbone exported backbone folder, or {@code random:<name>} to train from scratch
 * @param data the labelled dataset
 * @param clip clip geometry
 * @param augment train-time augmentation (blur is not used for fine-tuning)
 * @param optim optimiser and schedule
 * @param epochs epochs
 * @param batchSize samples per step
 * @param dropout dropout before the classifier
 * @param valFraction fraction of each training class held out to pick the best epoch; 0 reports
 *     only the last epoch
 * @param valEveryEpochs evaluate on the validation part every this many epochs (and after the
 *     last); ignored when {@code valFraction} is 0
 * @param testClips uniform clips per test video
 * @param testCrops crops per clip at test time
 * @param averaging how the outputs of a test video's clips x crops are combined
 * @param checkpoint checkpoint policy
 * @param run seed, devices, output folder
 */
public record FinetuneConfig(
    String backbone,
    DataConfig data,
    ClipConfig clip,
    AugmentConfig augment,
    OptimConfig optim,
    int epochs,
    int batchSize,
    double dropout,
    double valFraction,
    int valEveryEpochs,
    int testClips,
    int testCrops,
    Averaging averaging,
    CheckpointConfig checkpoint,
    RunConfig run) {

  /** Validates the ranges. */
  public FinetuneConfig {
    Check.present("data", data);
    Check.present("clip", clip);
    Check.present("augment", augment);
    Check.present("optim", optim);
    Check.present("checkpoint", checkpoint);
    Check.present("run", run);
    Check.atLeast("epochs", epochs, 1);
    Check.atLeast("batchSize", batchSize, 1);
    Check.range("dropout", dropout, 0, 0.99);
    Check.range("valFraction", valFraction, 0, 0.5);
    Check.atLeast("valEveryEpochs", valEveryEpochs, 1);
    Check.atLeast("testClips", testClips, 1);
    Check.that(testCrops == 1 || testCrops == 3, "testCrops", "must be 1 or 3, got " + testCrops);
    Check.present("averaging", averaging);
  }

  /**
   * Returns the reference fine-tuning protocol: 150 epochs, lr 0.01 at batch 16 with steps at 60
   * and 120, dropout 0.5, no validation part, 10x1 test clips averaged as probabilities.
   *
   * @return the defaults
   */
  public static FinetuneConfig defaults() {
    return new FinetuneConfig(
        null,
        DataConfig.defaults(),
        ClipConfig.defaults(),
        AugmentConfig.defaults(),
        new OptimConfig(0.01, 16, 0.9, 1e-4, Schedule.STEP, 0, java.util.List.of(60, 120), 0.1, 0),
        150,
        16,
        0.5,
        0.0,
        10,
        10,
        1,
        Averaging.PROBABILITIES,
        CheckpointConfig.defaults(),
        RunConfig.defaults());
  }
}
