package dev.fima.api.config;

/** How the first frame of a frame-difference clip is formed (section 2 of the method notes). */
public enum DiffMode {
  /**
   * The reference behaviour: a circular roll, so frame 0 is {@code (x_0 - x_{T-1} + 1) / 2}, a
   * difference between the first and the last frame rather than two neighbours.
   */
  WRAP,
  /** Corrected: frame 0 carries no motion, {@code 0.5} everywhere (zero difference). */
  ZERO_FIRST
}
