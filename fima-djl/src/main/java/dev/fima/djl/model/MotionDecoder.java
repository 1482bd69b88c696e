package dev.fima.djl.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.djl.backbone.AbstractFimaBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The motion decoder: a stack of {@link CrossAttentionLayer}s (2 in the reference) with no final
 * norm. Inputs {@code [tokens [N, Lq, D], memory [N, Lm, D]]}, output {@code [N, Lq, D]}; any token
 * counts work. Unlike the reference, whose layers are deep copies of one layer and so start equal,
 * each layer is initialised independently.
 */
public final class MotionDecoder extends AbstractFimaBlock {

  private final List<Block> layers = new ArrayList<>();

  /**
   * Creates the decoder.
   *
   * @param layers number of layers
   * @param dim token width D
   * @param heads attention heads
   * @param feedForward feed-forward hidden width
   * @param dropout dropout rate
   */
  public MotionDecoder(int layers, int dim, int heads, int feedForward, float dropout) {
    for (int i = 0; i < layers; i++) {
      this.layers.add(
          addChildBlock(
              "layer" + (i + 1), new CrossAttentionLayer(dim, heads, feedForward, dropout)));
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList current = inputs;
    for (Block layer : layers) {
      current = new NDList(layer.forward(ps, current, training).singletonOrThrow(), inputs.get(1));
    }
    return new NDList(current.get(0));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block layer : layers) {
      layer.initialize(manager, dataType, inputShapes);
    }
  }
}
