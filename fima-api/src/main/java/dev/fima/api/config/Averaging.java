package dev.fima.api.config;

/** How the predictions of several clips (and crops) of one video are combined. */
public enum Averaging {
  /** Mean of softmax probabilities (the default for every backbone). */
  PROBABILITIES,
  /** Mean of raw logits. */
  LOGITS
}
