package dev.fima.api.config;

/** Positional encoding of the motion decoder's tokens. */
public enum PositionalEncoding {
  /** The reference: 1-D sinusoid over the raster index of a slice (any length, no max of 100). */
  SINE_1D,
  /** 2-D sinusoid: half the channels encode the row, half the column. */
  SINE_2D
}
