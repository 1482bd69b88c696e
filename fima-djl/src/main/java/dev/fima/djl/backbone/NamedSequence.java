package dev.fima.djl.backbone;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Blocks applied one after the other, each under a name of its own, so that parameter names read
 * like the architecture ({@code 03layer2_01block1_02conv2_weight}) rather than like positions of
 * anonymous classes. Exported backbones are checked parameter by parameter under these names.
 */
public final class NamedSequence extends AbstractFimaBlock {

  /** Creates an empty sequence. */
  public NamedSequence() {}

  /**
   * Appends a block.
   *
   * @param name the name of the block inside this sequence
   * @param block the block
   * @return this sequence
   */
  public NamedSequence add(String name, Block block) {
    addChildBlock(name, block);
    return this;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDList current = inputs;
    for (Block block : children.values()) {
      NDList next = block.forward(parameterStore, current, training, params);
      if (current != inputs) {
        Release.unlessReturned(current, next);
      }
      current = next;
    }
    return current;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] current = inputShapes;
    for (Block block : children.values()) {
      current = block.getOutputShapes(current);
    }
    return current;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] current = inputShapes;
    for (Block block : children.values()) {
      block.initialize(manager, dataType, current);
      current = block.getOutputShapes(current);
    }
  }
}
