package dev.fima.api.config;

/** Which in-batch keys are negatives of the local motion loss (section 4(b)). */
public enum LocalNegatives {
  /**
   * The reference: every row of the other three local-key sets (the same video's other half and
   * both halves of its other window are among them); other videos' same-slot keys only via the
   * queue.
   */
  REFERENCE,
  /** The reference set plus the positive set's other rows (other videos' same-slot keys). */
  ALL_IN_BATCH,
  /** Only other videos' keys: the same video's other clips are left out of the negatives. */
  OTHER_VIDEOS
}
