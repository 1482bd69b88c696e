package dev.fima.djl.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.djl.backbone.AbstractFimaBlock;

/**
 * Named blocks held together so that their parameters can be listed, saved, loaded, frozen and
 * handed to an optimiser as one block. It has no forward of its own: a model drives its parts. The
 * parts are initialised by their owner; initialising the group only records an input shape, which
 * DJL's parameter files need.
 */
public final class BlockGroup extends AbstractFimaBlock {

  /** Creates an empty group. */
  public BlockGroup() {}

  /**
   * Adds a part.
   *
   * @param name its name inside the group
   * @param block the part
   * @return this group
   */
  public BlockGroup add(String name, Block block) {
    addChildBlock(name, block);
    return this;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        "a block group has no forward; drive the model through PretrainModel.forward");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException("a block group has no forward");
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) {
      if (!child.isInitialized()) {
        throw new IllegalStateException("initialise the parts of a block group first");
      }
    }
  }
}
