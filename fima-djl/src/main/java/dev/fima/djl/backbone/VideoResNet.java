package dev.fima.djl.backbone;

import dev.fima.api.config.BackboneConfig;

/**
 * The video ResNets of torchvision that the reference uses: R3D (3x3x3 convolutions, a 3x7x7 stem)
 * and R(2+1)D (factorised convolutions, a 1x7x7 then 3x1x1 stem), four stages of {@link
 * ResidualBlock}s, no max-pool, Kaiming fan-out initialisation.
 *
 * <p>The stem halves height and width; each later stage halves them while the total spatial stride
 * is not reached. Time is halved by the earliest stages after the first until the temporal stride
 * is reached, so the reference's stride 8 halves it in stages 2, 3 and 4 like torchvision.
 */
public final class VideoResNet extends AbstractVideoBackbone {

  /**
   * Builds the network.
   *
   * @param config the configuration it comes from (kept for export)
   * @param kind R3D or R(2+1)D convolutions
   * @param widths channels of the four stages (the stem has the first stage's width)
   * @param blocks residual blocks per stage
   * @param temporalStride total temporal stride: 1, 2, 4 or 8
   * @param spatialStride total spatial stride: 2, 4, 8 or 16
   */
  public VideoResNet(
      BackboneConfig config,
      ResidualConv kind,
      int[] widths,
      int[] blocks,
      int temporalStride,
      int spatialStride) {
    super(
        config,
        body(kind, widths, blocks, temporalStride, spatialStride),
        widths[3],
        temporalStride,
        spatialStride);
  }

  private static NamedSequence body(
      ResidualConv kind, int[] widths, int[] blocks, int temporalStride, int spatialStride) {
    if (widths.length != 4 || blocks.length != 4) {
      throw new IllegalArgumentException("a video ResNet has four stages");
    }
    NamedSequence body = new NamedSequence();
    body.add("stem", stem(kind, widths[0]));
    int in = widths[0];
    int timeLeft = temporalStride;
    int spaceLeft = spatialStride / 2;
    for (int stage = 0; stage < 4; stage++) {
      int st = stage > 0 && timeLeft > 1 ? 2 : 1;
      int ss = stage > 0 && spaceLeft > 1 ? 2 : 1;
      timeLeft /= st;
      spaceLeft /= ss;
      NamedSequence layer = new NamedSequence();
      for (int b = 0; b < blocks[stage]; b++) {
        layer.add(
            "block" + (b + 1),
            new ResidualBlock(kind, in, widths[stage], b == 0 ? st : 1, b == 0 ? ss : 1));
        in = widths[stage];
      }
      body.add("layer" + (stage + 1), layer);
    }
    if (timeLeft != 1 || spaceLeft != 1) {
      throw new IllegalArgumentException(
          "strides " + temporalStride + "/" + spatialStride + " do not fit four stages");
    }
    return body;
  }

  private static NamedSequence stem(ResidualConv kind, int width) {
    NamedSequence stem = new NamedSequence();
    if (kind == ResidualConv.FULL_3D) {
      return stem.add(
          "conv",
          new ConvUnit(
              width,
              new int[] {3, 7, 7},
              new int[] {1, 2, 2},
              Padding3d.symmetric(1, 3, 3),
              true,
              true,
              ConvInit.KAIMING_FAN_OUT));
    }
    // torchvision's R(2+1)D stem: 45 intermediate channels for a 64-channel stem.
    int mid = Math.max(1, (int) Math.round(width * 45.0 / 64));
    return stem.add(
            "spatial",
            new ConvUnit(
                mid,
                new int[] {1, 7, 7},
                new int[] {1, 2, 2},
                Padding3d.symmetric(0, 3, 3),
                true,
                true,
                ConvInit.KAIMING_FAN_OUT))
        .add(
            "temporal",
            new ConvUnit(
                width,
                new int[] {3, 1, 1},
                new int[] {1, 1, 1},
                Padding3d.symmetric(1, 0, 0),
                true,
                true,
                ConvInit.KAIMING_FAN_OUT));
  }
}
