package dev.fima.djl.backbone;

import dev.fima.api.ConfigException;
import dev.fima.api.config.BackboneConfig;
import java.util.Arrays;
import java.util.List;

/**
 * Registry entries for the video ResNets: the reference R3D-18 and R(2+1)D-18, and scaled-down
 * variants that train on a CPU.
 *
 * @param name registry name
 * @param description one line for listings
 * @param kind R3D or R(2+1)D convolutions
 * @param baseWidths stage widths at width multiplier 1
 * @param defaultBlocks residual blocks per stage when the configuration gives none
 * @param defaultTemporalStride temporal stride when the configuration gives 0
 * @param spatialStride total spatial stride
 */
public record VideoResNetFactory(
    String name,
    String description,
    ResidualConv kind,
    int[] baseWidths,
    int[] defaultBlocks,
    int defaultTemporalStride,
    int spatialStride)
    implements BackboneFactory {

  /** Copies the arrays. */
  public VideoResNetFactory {
    baseWidths = baseWidths.clone();
    defaultBlocks = defaultBlocks.clone();
  }

  /**
   * Returns torchvision's R3D-18 as the reference builds it (33.17M parameters).
   *
   * @return the factory
   */
  public static VideoResNetFactory r3d18() {
    return new VideoResNetFactory(
        "r3d-18",
        "R3D-18: 3x3x3 ResNet, widths 64-512, x8 time, x16 space (the reference's R3D)",
        ResidualConv.FULL_3D,
        new int[] {64, 128, 256, 512},
        new int[] {2, 2, 2, 2},
        8,
        16);
  }

  /**
   * Returns torchvision's R(2+1)D-18 as the reference builds it (31.30M parameters).
   *
   * @return the factory
   */
  public static VideoResNetFactory r2plus1d18() {
    return new VideoResNetFactory(
        "r2plus1d-18",
        "R(2+1)D-18: factorised ResNet, widths 64-512, x8 time, x16 space (the reference's"
            + " R2PLUS1D)",
        ResidualConv.SPLIT_2PLUS1D,
        new int[] {64, 128, 256, 512},
        new int[] {2, 2, 2, 2},
        8,
        16);
  }

  /**
   * Returns a CPU-sized R3D: widths 8-64, one block per stage, x4 time (8 frames give T' = 2) and
   * x8 space (56 pixels give a 7x7 grid, as the reference's 224 does).
   *
   * @return the factory
   */
  public static VideoResNetFactory r3dTiny() {
    return new VideoResNetFactory(
        "r3d-tiny",
        "scaled-down R3D for CPUs: widths 8-64, 1 block per stage, x4 time, x8 space",
        ResidualConv.FULL_3D,
        new int[] {8, 16, 32, 64},
        new int[] {1, 1, 1, 1},
        4,
        8);
  }

  /**
   * Returns a CPU-sized R(2+1)D with the layout of {@link #r3dTiny()}.
   *
   * @return the factory
   */
  public static VideoResNetFactory r2plus1dTiny() {
    return new VideoResNetFactory(
        "r2plus1d-tiny",
        "scaled-down R(2+1)D for CPUs: widths 8-64, 1 block per stage, x4 time, x8 space",
        ResidualConv.SPLIT_2PLUS1D,
        new int[] {8, 16, 32, 64},
        new int[] {1, 1, 1, 1},
        4,
        8);
  }

  @Override
  public BackboneConfig defaults() {
    return new BackboneConfig(
        name, 1.0, Arrays.stream(defaultBlocks).boxed().toList(), defaultTemporalStride);
  }

  @Override
  public VideoBackbone build(BackboneConfig config) {
    List<Integer> blocks = config.blocks().isEmpty() ? defaults().blocks() : config.blocks();
    if (blocks.size() != 4) {
      throw new ConfigException(
          "backbone.blocks", name + " has 4 stages, so 4 block counts, got " + blocks);
    }
    int temporalStride =
        config.temporalStride() == 0 ? defaultTemporalStride : config.temporalStride();
    int[] widths = new int[4];
    for (int i = 0; i < 4; i++) {
      widths[i] = AbstractVideoBackbone.scaled(baseWidths[i], config.width());
    }
    return new VideoResNet(
        config,
        kind,
        widths,
        blocks.stream().mapToInt(Integer::intValue).toArray(),
        temporalStride,
        spatialStride);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VideoResNetFactory f && f.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
