package dev.fima.djl.backbone;

import ai.djl.nn.Block;

/** The convolution inside a {@link ResidualBlock}: full 3D (R3D) or factorised (R(2+1)D). */
public enum ResidualConv {
  /** One 3x3x3 convolution. */
  FULL_3D,
  /**
   * A 1x3x3 spatial convolution to {@code mid} channels, batch norm, ReLU, then a 3x1x1 temporal
   * one; {@code mid} keeps the parameter count of the 3x3x3 convolution it replaces.
   */
  SPLIT_2PLUS1D;

  /**
   * Builds the convolution with its batch normalisation and (optionally) the final ReLU.
   *
   * @param mid intermediate channels of a (2+1)D convolution (ignored for full 3D)
   * @param out output channels
   * @param temporalStride stride along time
   * @param spatialStride stride along height and width
   * @param relu whether ReLU follows the final batch normalisation
   * @return the block
   */
  public Block build(int mid, int out, int temporalStride, int spatialStride, boolean relu) {
    return switch (this) {
      case FULL_3D ->
          new ConvUnit(
              out,
              new int[] {3, 3, 3},
              new int[] {temporalStride, spatialStride, spatialStride},
              Padding3d.symmetric(1, 1, 1),
              true,
              relu,
              ConvInit.KAIMING_FAN_OUT);
      case SPLIT_2PLUS1D -> {
        yield new NamedSequence()
            .add(
                "spatial",
                new ConvUnit(
                    mid,
                    new int[] {1, 3, 3},
                    new int[] {1, spatialStride, spatialStride},
                    Padding3d.symmetric(0, 1, 1),
                    true,
                    true,
                    ConvInit.KAIMING_FAN_OUT))
            .add(
                "temporal",
                new ConvUnit(
                    out,
                    new int[] {3, 1, 1},
                    new int[] {temporalStride, 1, 1},
                    Padding3d.symmetric(1, 0, 0),
                    true,
                    relu,
                    ConvInit.KAIMING_FAN_OUT));
      }
    };
  }

  /**
   * Returns the intermediate width of the (2+1)D convolutions of a block, {@code floor(27 in out /
   * (9 in + 3 out))} from the block's input and output widths, as in the R(2+1)D paper. Like
   * torchvision, both convolutions of a block use this one value.
   *
   * @param in input channels
   * @param out output channels
   * @return the intermediate channels, at least 1
   */
  public static int midChannels(int in, int out) {
    return Math.max(1, (int) ((long) in * out * 27 / ((long) in * 9 + 3L * out)));
  }
}
