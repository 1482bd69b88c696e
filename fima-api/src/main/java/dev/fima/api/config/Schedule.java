package dev.fima.api.config;

/** Learning-rate schedules. */
public enum Schedule {
  /** Half-cosine from the base rate to 0 over the run, after the optional warm-up. */
  COSINE,
  /** Multiply by {@code gamma} at each milestone epoch. */
  STEP,
  /** Keep the base rate. */
  CONSTANT
}
