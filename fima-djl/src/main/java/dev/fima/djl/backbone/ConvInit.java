package dev.fima.djl.backbone;

import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;

/** How convolution weights are drawn, matching the reference backbones. */
public enum ConvInit {
  /**
   * Kaiming normal with fan-out and ReLU gain, {@code std = sqrt(2 / (out * k))}: torchvision's
   * video ResNets (R3D, R(2+1)D).
   */
  KAIMING_FAN_OUT,
  /**
   * PyTorch's default ({@code kaiming_uniform(a = sqrt 5)}), uniform in {@code +-sqrt(1 / (in *
   * k))}: the reference I3D, which never re-initialises.
   */
  TORCH_DEFAULT;

  /**
   * Returns the DJL initializer that draws the weights.
   *
   * @return the initializer
   */
  public Initializer initializer() {
    return switch (this) {
      case KAIMING_FAN_OUT ->
          new XavierInitializer(
              XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2);
      case TORCH_DEFAULT ->
          new XavierInitializer(
              XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1);
    };
  }
}
