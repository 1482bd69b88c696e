package dev.fima.djl.backbone;

import dev.fima.api.config.BackboneConfig;

/**
 * I3D, the Inception-v1 inflated to 3D, as the reference implements it: TensorFlow-style "SAME"
 * padding computed from kernel and stride only, zero-padded ceil-mode max-pools, batch norm after
 * every convolution, PyTorch's default initialisation. Downsampling is x8 in time (stem
 * convolution, pool 4a, pool 5a) and x32 in space; at 112 pixels the last pool rounds 7 cells up to
 * 4.
 */
public final class InceptionI3d extends AbstractVideoBackbone {

  /** The reference widths of the nine modules: 3b, 3c; 4b to 4f; 5b, 5c. */
  static final int[][][] MODULES = {
    {{64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64}},
    {
      {192, 96, 208, 16, 48, 64},
      {160, 112, 224, 24, 64, 64},
      {128, 128, 256, 24, 64, 64},
      {112, 144, 288, 32, 64, 64},
      {256, 160, 320, 32, 128, 128}
    },
    {{256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128}}
  };

  /**
   * Builds the network.
   *
   * @param config the configuration it comes from (kept for export)
   * @param width channel multiplier applied to every convolution
   * @param modules inception modules kept per stage (3, 4, 5); a stage keeps its last modules, so
   *     the output width is that of the full network
   * @param temporalStride total temporal stride: 1, 2, 4 or 8
   */
  public InceptionI3d(BackboneConfig config, double width, int[] modules, int temporalStride) {
    super(config, body(width, modules, temporalStride), lastWidth(width), temporalStride, 32);
  }

  /** An I3D accepts crops in steps of 16: its last pool rounds an odd cell count up. */
  @Override
  public int cropMultiple() {
    return 16;
  }

  private static int lastWidth(double width) {
    int[] w = MODULES[2][1];
    return scaled(w[0], width) + scaled(w[2], width) + scaled(w[4], width) + scaled(w[5], width);
  }

  private static NamedSequence body(double width, int[] modules, int temporalStride) {
    if (modules.length != 3) {
      throw new IllegalArgumentException("an I3D has three inception stages");
    }
    // Time is downsampled at the stem first, then at pool 4a, then at pool 5a.
    int t1 = temporalStride >= 2 ? 2 : 1;
    int t4 = temporalStride >= 4 ? 2 : 1;
    int t5 = temporalStride >= 8 ? 2 : 1;
    NamedSequence body = new NamedSequence();
    int[] seven = {7, 7, 7};
    int[] stemStride = {t1, 2, 2};
    body.add(
        "conv1a",
        new ConvUnit(
            scaled(64, width),
            seven,
            stemStride,
            Padding3d.tfSame(seven, stemStride),
            true,
            true,
            ConvInit.TORCH_DEFAULT));
    body.add("pool2a", new SameMaxPool3d(new int[] {1, 3, 3}, new int[] {1, 2, 2}));
    body.add("conv2b", sameUnit(scaled(64, width), new int[] {1, 1, 1}));
    body.add("conv2c", sameUnit(scaled(192, width), new int[] {3, 3, 3}));
    body.add("pool3a", new SameMaxPool3d(new int[] {1, 3, 3}, new int[] {1, 2, 2}));
    addStage(body, "mixed3", MODULES[0], modules[0], width);
    body.add("pool4a", new SameMaxPool3d(new int[] {3, 3, 3}, new int[] {t4, 2, 2}));
    addStage(body, "mixed4", MODULES[1], modules[1], width);
    body.add("pool5a", new SameMaxPool3d(new int[] {2, 2, 2}, new int[] {t5, 2, 2}));
    addStage(body, "mixed5", MODULES[2], modules[2], width);
    return body;
  }

  private static void addStage(
      NamedSequence body, String name, int[][] specs, int keep, double width) {
    char letter = 'b';
    for (int i = 0; i < specs.length; i++, letter++) {
      if (i < specs.length - keep) {
        continue;
      }
      int[] scaledWidths = new int[6];
      for (int j = 0; j < 6; j++) {
        scaledWidths[j] = scaled(specs[i][j], width);
      }
      body.add(name + letter, new InceptionModule(scaledWidths));
    }
  }

  private static ConvUnit sameUnit(int out, int[] kernel) {
    int[] stride = {1, 1, 1};
    return new ConvUnit(
        out, kernel, stride, Padding3d.tfSame(kernel, stride), true, true, ConvInit.TORCH_DEFAULT);
  }
}
