package dev.fima.api.config;

/**
 * What to do with a video file that was cut short: its header promises more frames than decode (an
 * interrupted download or copy). Either way the file is named in the run's report with both frame
 * counts.
 */
public enum TruncatedVideos {
  /** Leave it out, as a quarantined video (the default: its content may end mid-action). */
  SKIP,
  /** Use the frames that decode, like any video of that length. */
  USE
}
