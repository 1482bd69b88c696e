package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import dev.fima.djl.backbone.AbstractFimaBlock;

/**
 * Multi-head attention of query tokens over memory tokens, batch first: inputs {@code [queries [N,
 * Lq, D], memory [N, Lm, D]]}, output {@code [N, Lq, D]}. Keys and values are both projected from
 * the memory, as in {@code MultiheadAttention(x, mem, mem)}; dropout acts on the attention weights.
 * Initialisation follows PyTorch: Xavier-uniform input projections with zero biases, a default
 * output projection with zero bias.
 */
public final class CrossAttention extends AbstractFimaBlock {

  private final int dim;
  private final int heads;
  private final float dropout;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;

  /**
   * Creates the attention.
   *
   * @param dim token width D
   * @param heads number of heads; divides D
   * @param dropout dropout rate on the attention weights
   */
  public CrossAttention(int dim, int heads, float dropout) {
    if (dim % heads != 0) {
      throw new IllegalArgumentException(heads + " heads do not divide width " + dim);
    }
    this.dim = dim;
    this.heads = heads;
    this.dropout = dropout;
    // PyTorch draws the packed [3D, D] input projection with Xavier: bound sqrt(6 / (D + 3D)).
    XavierInitializer packed =
        new XavierInitializer(
            XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1.5f);
    query = addChildBlock("query", TorchLinear.zeroBias(dim, packed));
    key = addChildBlock("key", TorchLinear.zeroBias(dim, packed));
    value = addChildBlock("value", TorchLinear.zeroBias(dim, packed));
    output = addChildBlock("output", TorchLinear.zeroBias(dim, TorchLinear.defaultWeights()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray tokens = inputs.get(0);
    NDArray memory = inputs.get(1);
    long n = tokens.getShape().get(0);
    long lq = tokens.getShape().get(1);
    NDArray q = split(query.forward(ps, new NDList(tokens), training).singletonOrThrow());
    NDArray k = split(key.forward(ps, new NDList(memory), training).singletonOrThrow());
    NDArray v = split(value.forward(ps, new NDList(memory), training).singletonOrThrow());
    NDArray scores = q.mul(1 / Math.sqrt((double) dim / heads)).matMul(k.transpose(0, 1, 3, 2));
    NDArray weights = scores.softmax(-1);
    if (training && dropout > 0) {
      weights = Dropout.dropout(weights, dropout, true).singletonOrThrow();
    }
    NDArray mixed = weights.matMul(v).transpose(0, 2, 1, 3).reshape(n, lq, dim);
    return output.forward(ps, new NDList(mixed), training);
  }

  /** [N, L, D] to [N, heads, L, D / heads]. */
  private NDArray split(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), heads, dim / heads).transpose(0, 2, 1, 3);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    query.initialize(manager, dataType, inputShapes[0]);
    key.initialize(manager, dataType, inputShapes[1]);
    value.initialize(manager, dataType, inputShapes[1]);
    output.initialize(manager, dataType, inputShapes[0]);
  }
}
