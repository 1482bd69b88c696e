package dev.fima.djl.model;

import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.initializer.XavierInitializer;

/**
 * Fully connected layers initialised like PyTorch's, so that the heads start where the reference's
 * do: weights uniform in {@code +-sqrt(1 / in)} ({@code kaiming_uniform(a = sqrt 5)}), biases
 * uniform in the same range or zero. A 1x1 convolution of the reference is such a layer applied to
 * the channel axis.
 */
final class TorchLinear {

  private TorchLinear() {}

  /**
   * Creates a layer with PyTorch's default weight and bias initialisation.
   *
   * @param in input features
   * @param out output features
   * @return the layer
   */
  static Linear standard(long in, long out) {
    Linear linear = Linear.builder().setUnits(out).optBias(true).build();
    linear.setInitializer(defaultWeights(), Parameter.Type.WEIGHT);
    linear.setInitializer(new UniformInitializer((float) (1 / Math.sqrt(in))), Parameter.Type.BIAS);
    return linear;
  }

  /**
   * Creates a layer with the given weight initialisation and zero bias, as attention projections.
   *
   * @param out output features
   * @param weights the weight initialiser
   * @return the layer
   */
  static Linear zeroBias(long out, Initializer weights) {
    Linear linear = Linear.builder().setUnits(out).optBias(true).build();
    linear.setInitializer(weights, Parameter.Type.WEIGHT);
    linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    return linear;
  }

  /**
   * Returns PyTorch's default weight initialiser, uniform in {@code +-sqrt(1 / fan_in)}.
   *
   * @return the initialiser
   */
  static Initializer defaultWeights() {
    return new XavierInitializer(
        XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1);
  }
}
