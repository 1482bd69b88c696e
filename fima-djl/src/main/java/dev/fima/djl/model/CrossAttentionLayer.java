package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.djl.backbone.AbstractFimaBlock;

/**
 * One layer of the motion decoder: a pre-norm transformer decoder layer whose self-attention the
 * reference removed. {@code x = x + Drop(Attn(LN(x), mem, mem)); x = x + Drop(W2 Drop(ReLU(W1
 * LN(x))))}. The memory is not normalised. Without self-attention the query tokens never interact:
 * each output depends on its own token and the memory only.
 */
public final class CrossAttentionLayer extends AbstractFimaBlock {

  private final float dropout;
  private final LayerNorm attentionNorm;
  private final CrossAttention attention;
  private final LayerNorm feedForwardNorm;
  private final Linear expand;
  private final Linear contract;

  /**
   * Creates a layer.
   *
   * @param dim token width D
   * @param heads attention heads
   * @param feedForward hidden width of the feed-forward part
   * @param dropout dropout rate (attention weights, both residual branches, feed-forward hidden)
   */
  public CrossAttentionLayer(int dim, int heads, int feedForward, float dropout) {
    this.dropout = dropout;
    attentionNorm = addChildBlock("attentionNorm", tokenNorm());
    attention = addChildBlock("attention", new CrossAttention(dim, heads, dropout));
    feedForwardNorm = addChildBlock("feedForwardNorm", tokenNorm());
    expand = addChildBlock("expand", TorchLinear.standard(dim, feedForward));
    contract = addChildBlock("contract", TorchLinear.standard(feedForward, dim));
  }

  private static LayerNorm tokenNorm() {
    // Inputs are [N, L, D]: normalise each token over its D channels only.
    return LayerNorm.builder().axis(2).optEpsilon(1e-5f).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray memory = inputs.get(1);
    NDArray normed = attentionNorm.forward(ps, new NDList(x), training).singletonOrThrow();
    NDArray attended =
        attention.forward(ps, new NDList(normed, memory), training).singletonOrThrow();
    x = x.add(drop(attended, training));
    NDArray h = feedForwardNorm.forward(ps, new NDList(x), training).singletonOrThrow();
    h = Activation.relu(expand.forward(ps, new NDList(h), training).singletonOrThrow());
    h = contract.forward(ps, new NDList(drop(h, training)), training).singletonOrThrow();
    return new NDList(x.add(drop(h, training)));
  }

  private NDArray drop(NDArray x, boolean training) {
    return training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape tokens = inputShapes[0];
    attentionNorm.initialize(manager, dataType, tokens);
    attention.initialize(manager, dataType, tokens, inputShapes[1]);
    feedForwardNorm.initialize(manager, dataType, tokens);
    expand.initialize(manager, dataType, tokens);
    contract.initialize(manager, dataType, expand.getOutputShapes(new Shape[] {tokens}));
  }
}
