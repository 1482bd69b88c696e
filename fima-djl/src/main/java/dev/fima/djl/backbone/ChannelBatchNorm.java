package dev.fima.djl.backbone;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Batch normalisation over axis 1 of a {@code [B, C, ...]} array with PyTorch's conventions:
 * momentum 0.1 is the weight of the new batch statistic, epsilon 1e-5, as {@code BatchNorm3d}.
 *
 * <p>DJL's {@link BatchNorm} block routes every axis other than -1 through two axis swaps and a
 * sub-manager per call; on the PyTorch engine axis -1 means "libtorch's native channel axis 1", so
 * this block calls the functional form with -1 and sizes its parameters from axis 1. It therefore
 * relies on the PyTorch engine, which is the only engine FIMA-J runs on.
 */
public final class ChannelBatchNorm extends AbstractFimaBlock {

  private static final float TORCH_MOMENTUM = 0.1f;
  private static final float EPSILON = 1e-5f;

  private final Parameter gamma;
  private final Parameter beta;
  private final Parameter runningMean;
  private final Parameter runningVar;

  /** Creates a batch normalisation with PyTorch's default momentum and epsilon. */
  public ChannelBatchNorm() {
    gamma =
        addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
    beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
    runningMean =
        addParameter(
            Parameter.builder()
                .setName("runningMean")
                .setType(Parameter.Type.RUNNING_MEAN)
                .optRequiresGrad(false)
                .build());
    runningVar =
        addParameter(
            Parameter.builder()
                .setName("runningVar")
                .setType(Parameter.Type.RUNNING_VAR)
                .optRequiresGrad(false)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Device device = x.getDevice();
    // DJL's momentum is the weight of the old running value, PyTorch's that of the new batch.
    return BatchNorm.batchNorm(
        x,
        parameterStore.getValue(runningMean, device, training),
        parameterStore.getValue(runningVar, device, training),
        parameterStore.getValue(gamma, device, training),
        parameterStore.getValue(beta, device, training),
        -1,
        1f - TORCH_MOMENTUM,
        EPSILON,
        training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    Shape channels = new Shape(inputShapes[0].get(1));
    gamma.setShape(channels);
    beta.setShape(channels);
    runningMean.setShape(channels);
    runningVar.setShape(channels);
  }
}
