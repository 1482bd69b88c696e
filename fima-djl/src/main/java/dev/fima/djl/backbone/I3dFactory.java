package dev.fima.djl.backbone;

import dev.fima.api.ConfigException;
import dev.fima.api.config.BackboneConfig;
import java.util.Arrays;
import java.util.List;

/**
 * Registry entries for I3D: the reference network and a scaled-down variant.
 *
 * @param name registry name
 * @param description one line for listings
 * @param baseWidth width multiplier at configured width 1
 * @param defaultModules inception modules per stage when the configuration gives none
 * @param defaultTemporalStride temporal stride when the configuration gives 0
 */
public record I3dFactory(
    String name,
    String description,
    double baseWidth,
    int[] defaultModules,
    int defaultTemporalStride)
    implements BackboneFactory {

  private static final int[] MAX_MODULES = {2, 5, 2};

  /** Copies the array. */
  public I3dFactory {
    defaultModules = defaultModules.clone();
  }

  /**
   * Returns the reference I3D (12.29M parameters).
   *
   * @return the factory
   */
  public static I3dFactory i3d() {
    return new I3dFactory(
        "i3d",
        "I3D: Inception-v1 inflated, TF SAME padding, 1024 channels, x8 time, x32 space",
        1.0,
        new int[] {2, 5, 2},
        8);
  }

  /**
   * Returns a CPU-sized I3D: an eighth of the widths, modules 1/2/1, x4 time.
   *
   * @return the factory
   */
  public static I3dFactory i3dTiny() {
    return new I3dFactory(
        "i3d-tiny",
        "scaled-down I3D for CPUs: 1/8 widths, 1/2/1 inception modules, x4 time, x32 space",
        0.125,
        new int[] {1, 2, 1},
        4);
  }

  @Override
  public BackboneConfig defaults() {
    return new BackboneConfig(
        name, 1.0, Arrays.stream(defaultModules).boxed().toList(), defaultTemporalStride);
  }

  @Override
  public VideoBackbone build(BackboneConfig config) {
    List<Integer> modules = config.blocks().isEmpty() ? defaults().blocks() : config.blocks();
    if (modules.size() != 3) {
      throw new ConfigException(
          "backbone.blocks", name + " has 3 inception stages, so 3 module counts, got " + modules);
    }
    for (int i = 0; i < 3; i++) {
      if (modules.get(i) > MAX_MODULES[i]) {
        throw new ConfigException(
            "backbone.blocks",
            "I3D stage " + (i + 3) + " has at most " + MAX_MODULES[i] + " modules, got " + modules);
      }
    }
    int temporalStride =
        config.temporalStride() == 0 ? defaultTemporalStride : config.temporalStride();
    return new InceptionI3d(
        config,
        baseWidth * config.width(),
        modules.stream().mapToInt(Integer::intValue).toArray(),
        temporalStride);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof I3dFactory f && f.name.equals(name);
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
