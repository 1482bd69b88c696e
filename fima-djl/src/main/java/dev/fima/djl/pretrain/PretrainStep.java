package dev.fima.djl.pretrain;

import ai.djl.training.ParameterStore;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatch;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.KeyShuffle;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.nd.StepPhases;
import dev.fima.djl.parallel.DataParallel;
import dev.fima.djl.train.Position;
import dev.fima.djl.train.TrainingStep;

/**
 * What one pretraining step computes: the batch's device augmentation, the model's forward pass
 * (the momentum update of the key side first), the FIMA objective, and, once the update is applied,
 * the keys enqueued.
 *
 * <p>The model spreads the batch over the devices itself (key inputs shuffled across devices, query
 * inputs split, feature maps gathered on the primary device), so the step runs one forward and one
 * loss on the primary device; the loop's parameter server sums the gradients of every device's
 * parameter copy and updates them all, and the keys are enqueued once after the update. A fresh
 * parameter store per step re-copies the parameters (the key side included, after its momentum
 * update) to the other devices. Only the single-device path can be tested on a CPU.
 *
 * <p>In a data-parallel run each rank computes the loss of its own part of the global batch; the
 * loop averages the gradients over the ranks. The key encoder's batches are shuffled across the
 * ranks ({@link KeyShuffle}), each rank augments its samples from a seed of its own, and the keys
 * of every rank are gathered before they are enqueued, so that every rank's queues stay identical.
 *
 * <p>A step the loop skips (a non-finite loss or gradient) enqueues nothing; only the key encoder's
 * momentum update, which reads the unchanged query weights, remains.
 */
final class PretrainStep implements TrainingStep<PretrainBatch> {

  /** Purpose tag of the augmentation seeds. */
  static final long SEED_AUGMENT = 12;

  /** Purpose tag of the seeds of the key encoder's shuffle across ranks. */
  static final long SEED_SHUFFLE = 14;

  private final PretrainModel model;
  private final FimaLoss loss;
  private final PretrainAugmenter augmenter;
  private final long seed;
  private final boolean motion;
  private final DataParallel ranks;
  private final KeyShuffle shuffle;

  PretrainStep(
      PretrainModel model,
      FimaLoss loss,
      PretrainAugmenter augmenter,
      long seed,
      boolean motion,
      DataParallel ranks) {
    this.model = model;
    this.loss = loss;
    this.augmenter = augmenter;
    this.seed = seed;
    this.motion = motion;
    this.ranks = ranks;
    this.shuffle = new KeyShuffle(ranks);
    if (ranks.worldSize() > 1) {
      model.shuffleKeysAcrossRanks(shuffle);
    }
  }

  @Override
  public Forward forward(ParameterStore parameters, PretrainBatch batch, Context context) {
    batch.arrays().attach(context.manager());
    Position at = context.position();
    // Each rank draws its own colour parameters; one rank alone keeps the seeds it always had.
    long augmentSeed =
        ranks.worldSize() == 1
            ? at.seed(seed, SEED_AUGMENT)
            : at.seed(seed, SEED_AUGMENT, ranks.rank());
    shuffle.reseed(at.seed(seed, SEED_SHUFFLE));
    FimaInputs inputs =
        StepPhases.call(
            StepPhases.AUGMENTATION, () -> augmenter.augment(batch, augmentSeed, motion));
    FimaOutputs outputs = model.forward(parameters, inputs, true);
    return new Forward(
        loss.compute(outputs), batch.size(), () -> loss.enqueue(outputs, ranks::allGatherRows));
  }
}
