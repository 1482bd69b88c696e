package dev.fima.api.config;

/** The pretraining method. */
public enum Method {
  /** Full FIMA: instance contrast plus local and dense motion alignment through the decoder. */
  FIMA,
  /** The MoCo baseline: RGB-only instance contrast with a queue, the reference's comparison row. */
  MOCO
}
