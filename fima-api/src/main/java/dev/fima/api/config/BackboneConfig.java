package dev.fima.api.config;

import java.util.List;

/**
 * Which backbone to build. Names come from the backbone registry in {@code fima-djl} ({@code ./fima
 * info} lists them); the width multiplier and per-stage block counts give scaled-down variants that
 * train on a CPU.
 *
 * @param name registry name, such as {@code r3d-18}, {@code r2plus1d-18} or {@code i3d}
 * @param width channel width multiplier applied to every stage
 * @param blocks residual blocks per stage; empty keeps the architecture's default
 */
public record BackboneConfig(String name, double width, List<Integer> blocks) {

  /** Validates the ranges. */
  public BackboneConfig {
    Check.present("name", name);
    Check.range("width", width, 1.0 / 64, 4);
    blocks = blocks == null ? List.of() : List.copyOf(blocks);
    Check.allPositive("blocks", blocks);
  }

  /**
   * Returns a full-width R3D-18.
   *
   * @return the defaults
   */
  public static BackboneConfig defaults() {
    return new BackboneConfig("r3d-18", 1.0, List.of());
  }
}
