package dev.fima.api.data;

import java.util.List;

/**
 * Counters of a batch loader since it was opened.
 *
 * @param samples samples delivered
 * @param quarantined videos skipped because they could not be decoded
 * @param waitSeconds time the consumer spent waiting for a batch
 * @param quarantine the skipped videos with their reasons
 */
public record LoaderStats(
    long samples, long quarantined, double waitSeconds, List<QuarantineEntry> quarantine) {

  /** Copies the list. */
  public LoaderStats {
    quarantine = List.copyOf(quarantine);
  }
}
