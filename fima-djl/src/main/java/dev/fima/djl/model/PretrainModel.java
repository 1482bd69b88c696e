package dev.fima.djl.model;

import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fima.api.data.FimaInputs;
import dev.fima.djl.backbone.VideoBackbone;

/**
 * A pretraining model: FIMA or the MoCo baseline. It owns the query side (trained by the optimiser)
 * and the key side (an exponential moving average of the query side, never trained).
 */
public interface PretrainModel {

  /**
   * Runs one training forward (section 3.5 of the method notes): first the momentum update of the
   * key side, then the key passes without gradient, then the query passes with gradient.
   *
   * @param parameterStore the parameter store of this step
   * @param inputs the augmented batch
   * @param training whether dropout and batch-norm run in training mode
   * @return every tensor the losses need; the motion fields are empty for the MoCo baseline
   */
  FimaOutputs forward(ParameterStore parameterStore, FimaInputs inputs, boolean training);

  /**
   * Returns the block holding every parameter, query and key side, for initialisation, checkpoints
   * and device placement.
   *
   * @return the whole model as one block
   */
  Block block();

  /**
   * Returns the query-side blocks the optimiser trains (the key side is excluded).
   *
   * @return the trainable part
   */
  Block trainable();

  /**
   * Returns the query backbone, the part that is exported for downstream tasks.
   *
   * @return the query backbone
   */
  VideoBackbone queryBackbone();

  /**
   * Shuffles the key passes' batches across the ranks of a data-parallel run (shuffle-BN), where
   * the model's key encoder has batch norm; a model without a key encoder ignores it.
   *
   * @param shuffle the run's shuffle across ranks
   */
  default void shuffleKeysAcrossRanks(KeyShuffle shuffle) {}
}
