package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.djl.backbone.AbstractFimaBlock;

/**
 * The projection head {@code C -> hidden -> E} (ReLU between, biases, no batch norm), the
 * reference's {@code Projection_Head_Conv}. It acts on the last axis, so the same head projects
 * pooled vectors {@code [B, C]} and channel-last dense maps {@code [B, T', h, w, C]}; the
 * reference's 1x1 convolutions over a channel-first map are the same computation.
 */
public final class ProjectionHead extends AbstractFimaBlock {

  private final Linear hidden;
  private final Linear output;

  /**
   * Creates a head.
   *
   * @param in input features C
   * @param hiddenSize hidden width (1024 in the reference)
   * @param out output features E (128 in the reference)
   */
  public ProjectionHead(int in, int hiddenSize, int out) {
    hidden = addChildBlock("hidden", TorchLinear.standard(in, hiddenSize));
    output = addChildBlock("output", TorchLinear.standard(hiddenSize, out));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray h =
        Activation.relu(hidden.forward(parameterStore, inputs, training).singletonOrThrow());
    return output.forward(parameterStore, new NDList(h), training);
  }

  /**
   * Projects and L2-normalises along the last axis.
   *
   * @param parameterStore the parameter store
   * @param x features on the last axis
   * @param training whether in training mode
   * @return unit-length embeddings on the last axis
   */
  public NDArray embed(ParameterStore parameterStore, NDArray x, boolean training) {
    NDArray e = forward(parameterStore, new NDList(x), training).singletonOrThrow();
    return e.normalize(2, -1);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return output.getOutputShapes(hidden.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    hidden.initialize(manager, dataType, inputShapes);
    output.initialize(manager, dataType, hidden.getOutputShapes(inputShapes));
  }
}
