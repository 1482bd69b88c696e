package dev.fima.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import dev.fima.api.config.OptimConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stochastic gradient descent with momentum and coupled weight decay, exactly as PyTorch's {@code
 * torch.optim.SGD} (dampening 0, no Nesterov) computes it, with a learning rate set before each
 * step and a momentum state that can be saved and restored. DJL's own {@code Sgd} keeps its
 * momentum private, so a run that resumes from a checkpoint would restart it from zero.
 *
 * <pre>
 * g   = rescale * grad (clipped to [-clip, clip] if set) + weightDecay * w
 * buf = g on the first step, then momentum * buf + g
 * w   = w - lr * buf
 * </pre>
 *
 * <p>Like DJL's PyTorch optimizers, {@link #update} zeroes the weight's gradient afterwards, so the
 * optimizer also works under DJL's {@code Trainer} and {@code LocalParameterServer}. The state is
 * keyed by parameter id and device; {@link #state} and {@link #restore} translate ids to the stable
 * parameter names of a block ({@code block.getParameters()}), which survive a restart.
 */
public final class MomentumSgd extends Optimizer implements AutoCloseable {

  private final NDManager manager;
  private final float momentum;
  private final Map<String, Map<Device, NDArray>> buffers = new ConcurrentHashMap<>();
  private volatile float learningRate;

  private MomentumSgd(Builder builder, NDManager parent) {
    super(builder);
    this.manager = parent.newSubManager();
    this.momentum = builder.momentum;
    this.learningRate = builder.learningRate;
  }

  /**
   * Returns a builder; weight decay is set with {@code optWeightDecays}.
   *
   * @return a builder with momentum 0.9 and learning rate 0.01
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the optimiser a job's configuration asks for: its momentum and weight decay (the
   * learning rate comes from the job's schedule, step by step).
   *
   * @param optim the configuration
   * @param manager manager whose sub-manager will own the momentum buffers
   * @return the optimizer; close it to free the buffers
   */
  public static MomentumSgd of(OptimConfig optim, NDManager manager) {
    return builder()
        .optMomentum(optim.momentum())
        .optWeightDecays((float) optim.weightDecay())
        .build(manager);
  }

  /**
   * Sets the learning rate of the following updates (the schedule calls this once per step).
   *
   * @param rate the learning rate
   */
  public void setLearningRate(double rate) {
    this.learningRate = (float) rate;
  }

  /**
   * Returns the current learning rate.
   *
   * @return the rate of the next update
   */
  public double learningRate() {
    return learningRate;
  }

  /**
   * Returns the momentum factor.
   *
   * @return the momentum
   */
  public float momentum() {
    return momentum;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    // Few libtorch calls and no sub-manager per parameter: the update runs once per parameter and
    // step, so its Java and JNI cost is paid a hundred times a step. Each temporary is closed
    // here, since arrays made from the weight would otherwise join its long-lived manager.
    NDArray step = gradientStep(weight, grad);
    Map<Device, NDArray> perDevice =
        buffers.computeIfAbsent(parameterId, k -> new ConcurrentHashMap<>());
    NDArray buffer = perDevice.get(weight.getDevice());
    if (buffer == null) {
      // The step is a fresh array: it becomes the buffer, as PyTorch clones it on the first step.
      step.attach(manager);
      perDevice.put(weight.getDevice(), step);
      buffer = step;
    } else {
      buffer.muli(momentum).addi(step);
      step.close();
    }
    try (NDArray delta = buffer.mul(learningRate)) {
      weight.subi(delta);
    }
    zeroGradient(weight);
  }

  /**
   * Returns {@code rescale * grad (clipped) + weightDecay * w} as a new array. Without rescaling
   * and clipping the gradient is not copied first: the decay term is computed, then the gradient
   * added to it, the same sum bit for bit (floating-point addition is commutative).
   */
  private NDArray gradientStep(NDArray weight, NDArray grad) {
    float decay = getWeightDecay();
    if (rescaleGrad == 1f && !(clipGrad > 0) && decay != 0f) {
      return weight.mul(decay).addi(grad);
    }
    NDArray step = grad.duplicate();
    if (rescaleGrad != 1f) {
      step.muli(rescaleGrad);
    }
    if (clipGrad > 0) {
      NDArray clipped = step.clip(-clipGrad, clipGrad);
      step.close();
      step = clipped;
    }
    if (decay != 0f) {
      try (NDArray penalty = weight.mul(decay)) {
        step.addi(penalty);
      }
    }
    return step;
  }

  /**
   * Returns a copy of the momentum buffers, named by parameter name, from the first device that has
   * one (all devices hold the same buffer, since they receive the same reduced gradient).
   *
   * @param parameters the trained parameters by stable name, such as {@code
   *     block.getParameters().toMap()}
   * @param target manager that receives the copies
   * @return the named buffers; parameters not yet updated have none
   */
  public NDList state(Map<String, Parameter> parameters, NDManager target) {
    NDList list = new NDList();
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      Map<Device, NDArray> perDevice = buffers.get(e.getValue().getId());
      if (perDevice == null || perDevice.isEmpty()) {
        continue;
      }
      NDArray copy = perDevice.values().iterator().next().duplicate();
      copy.attach(target);
      copy.setName(e.getKey());
      list.add(copy);
    }
    return list;
  }

  /**
   * Restores buffers written by {@link #state} onto the device of each parameter.
   *
   * @param parameters the trained parameters by stable name
   * @param state the named buffers
   * @throws IllegalArgumentException naming the parameter when a buffer has no parameter or the
   *     wrong shape
   */
  public void restore(Map<String, Parameter> parameters, NDList state) {
    Map<String, NDArray> incoming = new HashMap<>();
    for (NDArray a : state) {
      incoming.put(a.getName(), a);
    }
    for (Map.Entry<String, NDArray> e : incoming.entrySet()) {
      Parameter p = parameters.get(e.getKey());
      if (p == null) {
        throw new IllegalArgumentException(
            "saved momentum for " + e.getKey() + ", which this model does not train");
      }
      NDArray array = p.getArray();
      if (!array.getShape().equals(e.getValue().getShape())) {
        throw new IllegalArgumentException(
            "momentum of "
                + e.getKey()
                + " is "
                + e.getValue().getShape()
                + ", the parameter is "
                + array.getShape());
      }
      // duplicate(), not toDevice(device, true): on the same device DJL's "copy" aliases the
      // saved array, whose memory is a Java buffer freed once the caller closes it.
      NDArray buffer =
          e.getValue()
              .toDevice(array.getDevice(), false)
              .toType(array.getDataType(), false)
              .duplicate();
      buffer.attach(manager);
      Map<Device, NDArray> perDevice = new ConcurrentHashMap<>();
      perDevice.put(array.getDevice(), buffer);
      Map<Device, NDArray> old = buffers.put(p.getId(), perDevice);
      if (old != null) {
        old.values().forEach(NDArray::close);
      }
    }
  }

  /**
   * Sets a gradient to zero in place, also when it holds NaN or infinity (which {@code 0 * g} would
   * keep), and releases the handle.
   *
   * @param weight the array whose gradient is cleared
   */
  public static void zeroGradient(NDArray weight) {
    if (!weight.hasGradient()) {
      return;
    }
    if (weight instanceof PtNDArray pt) {
      // One call: libtorch's zero_() on the gradient, which clears NaN and infinity too.
      JniUtils.zeroGrad(pt);
      return;
    }
    // set(index, Number) would leave a scalar in the weight's manager on every call; this one is
    // closed here, after the synchronous copy.
    try (NDArray gradient = weight.getGradient();
        NDArray zero = gradient.getManager().create(0f).toType(gradient.getDataType(), false)) {
      if (gradient.getShape().dimension() == 0) {
        // A 0-d tensor cannot be indexed; its 1-element reshape is a view of the same storage.
        try (NDArray view = gradient.reshape(1)) {
          view.set(new NDIndex(":"), zero);
        }
      } else {
        gradient.set(new NDIndex(":"), zero);
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Builds a {@link MomentumSgd}. */
  public static final class Builder extends OptimizerBuilder<Builder> {

    private float momentum = 0.9f;
    private float learningRate = 0.01f;

    private Builder() {}

    /**
     * Sets the momentum factor.
     *
     * @param momentum in [0, 1)
     * @return this builder
     */
    public Builder optMomentum(double momentum) {
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
      }
      this.momentum = (float) momentum;
      return this;
    }

    /**
     * Sets the initial learning rate.
     *
     * @param rate the rate until {@link #setLearningRate} changes it
     * @return this builder
     */
    public Builder optLearningRate(double rate) {
      this.learningRate = (float) rate;
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Builds the optimizer.
     *
     * @param manager manager whose sub-manager will own the momentum buffers
     * @return the optimizer; close it to free the buffers
     */
    public MomentumSgd build(NDManager manager) {
      return new MomentumSgd(this, manager);
    }
  }
}
