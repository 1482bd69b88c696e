package dev.fima.api.config;

import java.util.List;

/**
 * Linear probing of a frozen backbone: features are extracted once (backbone in inference mode,
 * batch-norm statistics frozen), cached, and a linear classifier is trained on them. Its learning
 * rate and weight decay are chosen on a validation part of the training split, never on the test
 * split.
 *
 * @param backbone exported backbone folder, or {@code random:<name>} for a randomly initialised
 *     registry backbone (the floor)
 * @param data the labelled dataset
 * @param clip clip geometry used for feature extraction
 * @param trainClips uniform clips (centre crop) per training video; each clip's feature is one
 *     training sample of the classifier, so it sees single-clip features as it does at test time
 * @param testClips uniform clips per test video
 * @param testCrops crops per clip at test time (1 = centre, 3 = left/centre/right)
 * @param averaging how the classifier's outputs on a test video's clips x crops are combined
 * @param valFraction fraction of each training class held out for the learning-rate sweep
 * @param lrGrid learning rates swept
 * @param weightDecayGrid weight decays swept
 * @param epochs epochs of classifier training per grid point
 * @param batchSize classifier mini-batch size
 * @param forwardBatch clips per backbone forward pass during feature extraction
 * @param run seed, devices, output folder
 */
public record LinearProbeConfig(
    String backbone,
    DataConfig data,
    ClipConfig clip,
    int trainClips,
    int testClips,
    int testCrops,
    Averaging averaging,
    double valFraction,
    List<Double> lrGrid,
    List<Double> weightDecayGrid,
    int epochs,
    int batchSize,
    int forwardBatch,
    RunConfig run) {

  /** Validates the ranges. */
  public LinearProbeConfig {
    Check.present("data", data);
    Check.present("clip", clip);
    Check.present("run", run);
    Check.atLeast("trainClips", trainClips, 1);
    Check.atLeast("testClips", testClips, 1);
    Check.that(testCrops == 1 || testCrops == 3, "testCrops", "must be 1 or 3, got " + testCrops);
    Check.present("averaging", averaging);
    Check.range("valFraction", valFraction, 0.01, 0.5);
    lrGrid = lrGrid == null ? List.of() : List.copyOf(lrGrid);
    weightDecayGrid = weightDecayGrid == null ? List.of() : List.copyOf(weightDecayGrid);
    Check.that(!lrGrid.isEmpty(), "lrGrid", "must list at least one learning rate");
    Check.allPositive("lrGrid", lrGrid);
    Check.that(!weightDecayGrid.isEmpty(), "weightDecayGrid", "must list at least one value");
    Check.atLeast("epochs", epochs, 1);
    Check.atLeast("batchSize", batchSize, 1);
    Check.atLeast("forwardBatch", forwardBatch, 1);
  }

  /**
   * Returns a probe with one training clip per video, 10x1 test clips averaged as probabilities, a
   * 10% validation part and a small grid.
   *
   * @return the defaults
   */
  public static LinearProbeConfig defaults() {
    return new LinearProbeConfig(
        null,
        DataConfig.defaults(),
        ClipConfig.defaults(),
        1,
        10,
        1,
        Averaging.PROBABILITIES,
        0.1,
        List.of(0.01, 0.1, 1.0),
        List.of(0.0, 1e-4),
        100,
        256,
        16,
        RunConfig.defaults());
  }
}
