package dev.fima.djl.pretrain;

import ai.djl.training.ParameterStore;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatch;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.PretrainModel;
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
 * <p>A step the loop skips (a non-finite loss or gradient) enqueues nothing; only the key encoder's
 * momentum update, which reads the unchanged query weights, remains.
 */
final class PretrainStep implements TrainingStep<PretrainBatch> {

  /** Purpose tag of the augmentation seeds. */
  static final long SEED_AUGMENT = 12;

  private final PretrainModel model;
  private final FimaLoss loss;
  private final PretrainAugmenter augmenter;
  private final long seed;
  private final boolean motion;

  PretrainStep(
      PretrainModel model, FimaLoss loss, PretrainAugmenter augmenter, long seed, boolean motion) {
    this.model = model;
    this.loss = loss;
    this.augmenter = augmenter;
    this.seed = seed;
    this.motion = motion;
  }

  @Override
  public Forward forward(ParameterStore parameters, PretrainBatch batch, Context context) {
    batch.arrays().attach(context.manager());
    FimaInputs inputs =
        augmenter.augment(batch, context.position().seed(seed, SEED_AUGMENT), motion);
    FimaOutputs outputs = model.forward(parameters, inputs, true);
    return new Forward(loss.compute(outputs), batch.size(), () -> loss.enqueue(outputs));
  }
}
