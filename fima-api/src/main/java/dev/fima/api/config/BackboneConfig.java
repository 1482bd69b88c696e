package dev.fima.api.config;

import java.util.List;

/**
 * Which backbone to build. Names come from the backbone registry in {@code fima-djl} ({@code ./fima
 * info} lists them); the width multiplier, per-stage block counts and temporal stride give
 * scaled-down variants that train on a CPU.
 *
 * @param name registry name, such as {@code r3d-18}, {@code r2plus1d-18} or {@code i3d}
 * @param width channel width multiplier applied to every stage of the named variant
 * @param blocks residual blocks (or inception modules) per stage; empty keeps the variant's default
 * @param temporalStride total temporal downsampling T / T' (1, 2, 4 or 8); 0 keeps the variant's
 *     default, so that for instance 8-frame clips can still give T' = 2 slices with a stride of 4
 */
public record BackboneConfig(String name, double width, List<Integer> blocks, int temporalStride) {

  /** Validates the ranges. */
  public BackboneConfig {
    Check.present("name", name);
    Check.range("width", width, 1.0 / 64, 4);
    blocks = blocks == null ? List.of() : List.copyOf(blocks);
    Check.allPositive("blocks", blocks);
    Check.that(
        temporalStride == 0
            || temporalStride == 1
            || temporalStride == 2
            || temporalStride == 4
            || temporalStride == 8,
        "temporalStride",
        "must be 0 (the variant's default), 1, 2, 4 or 8, got " + temporalStride);
  }

  /**
   * Creates a configuration with the variant's default temporal stride.
   *
   * @param name registry name
   * @param width channel width multiplier
   * @param blocks blocks per stage; empty keeps the default
   */
  public BackboneConfig(String name, double width, List<Integer> blocks) {
    this(name, width, blocks, 0);
  }

  /**
   * Returns a full-width R3D-18.
   *
   * @return the defaults
   */
  public static BackboneConfig defaults() {
    return new BackboneConfig("r3d-18", 1.0, List.of(), 0);
  }
}
