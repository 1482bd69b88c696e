package dev.fima.api.data;

import java.util.List;

/**
 * Counters of a batch loader since it was opened.
 *
 * @param samples samples delivered
 * @param quarantined videos skipped because they could not be decoded
 * @param waitSeconds time the consumer spent waiting for a batch
 * @param quarantine the skipped videos with their reasons
 * @param clampedSamples samples of videos shorter than their window, whose missing frames repeat
 *     the last decoded frame (supervised loaders keep such videos instead of skipping them)
 */
public record LoaderStats(
    long samples,
    long quarantined,
    double waitSeconds,
    List<QuarantineEntry> quarantine,
    long clampedSamples) {

  /** Copies the list. */
  public LoaderStats {
    quarantine = List.copyOf(quarantine);
  }

  /**
   * Creates statistics without clamped samples.
   *
   * @param samples samples delivered
   * @param quarantined videos skipped because they could not be decoded
   * @param waitSeconds time the consumer spent waiting for a batch
   * @param quarantine the skipped videos with their reasons
   */
  public LoaderStats(
      long samples, long quarantined, double waitSeconds, List<QuarantineEntry> quarantine) {
    this(samples, quarantined, waitSeconds, quarantine, 0);
  }
}
