package dev.fima.datasets.video;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * Process-wide FFmpeg settings. FFmpeg prints codec chatter and warnings about every damaged packet
 * to standard error; a data loader that reads thousands of videos must stay quiet and report
 * problems through its own quarantine instead. Set the system property {@code fima.ffmpeg.log} to
 * {@code error}, {@code warning} or {@code info} to see FFmpeg's messages while debugging a file.
 */
public final class FfmpegSetup {

  private static volatile boolean done;

  private FfmpegSetup() {}

  /** Applies the log level once; every reader and writer calls this before touching FFmpeg. */
  public static void ensure() {
    if (done) {
      return;
    }
    synchronized (FfmpegSetup.class) {
      if (!done) {
        avutil.av_log_set_level(level(System.getProperty("fima.ffmpeg.log", "quiet")));
        done = true;
      }
    }
  }

  private static int level(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "error" -> avutil.AV_LOG_ERROR;
      case "warning" -> avutil.AV_LOG_WARNING;
      case "info" -> avutil.AV_LOG_INFO;
      default -> avutil.AV_LOG_QUIET;
    };
  }
}
