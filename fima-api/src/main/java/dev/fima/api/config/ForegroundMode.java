package dev.fima.api.config;

/** How the dense loss picks the grid cells that count (section 5 of the method notes). */
public enum ForegroundMode {
  /**
   * The reference: cells whose summed RGB and frame-difference key activation exceeds the
   * per-sample median.
   */
  MEDIAN,
  /** Top half of the grid cells ranked by summed absolute pixel differences (the unused option). */
  TOP_K_DIFF,
  /** Every cell counts: foreground sampling off. */
  NONE
}
