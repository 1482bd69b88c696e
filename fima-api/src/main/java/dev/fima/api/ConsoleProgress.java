package dev.fima.api;

import ai.djl.util.Progress;
import ai.djl.util.Utils;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress bar of every FIMA-J job. On a terminal it redraws one line in place, like DJL's own
 * bar but with the whole label; when the output is a file or a pipe (a CI log, {@code nohup}) it
 * prints a plain line at every tenth of the way instead of hundreds of carriage returns. {@code
 * DJL_DISABLE_PROGRESS_BAR=true} silences it, as it does DJL's bar.
 */
public final class ConsoleProgress implements Progress {

  private static final int BAR_LENGTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final boolean disabled;
  private String label = "";
  private String trailing;
  private long max = 1;
  private long progress;
  private int shownPercent = -1;

  /** Creates a bar on standard output that detects whether it is a terminal. */
  public ConsoleProgress() {
    this(
        System.out,
        System.console() != null,
        Boolean.parseBoolean(Utils.getEnvOrSystemProperty("DJL_DISABLE_PROGRESS_BAR")));
  }

  /**
   * Creates a bar on any stream.
   *
   * @param out where the bar goes
   * @param terminal whether to redraw in place ({@code true}) or print plain lines
   * @param disabled whether to print nothing at all
   */
  public ConsoleProgress(PrintStream out, boolean terminal, boolean disabled) {
    this.out = out;
    this.terminal = terminal;
    this.disabled = disabled;
  }

  @Override
  public void reset(String message, long max, String trailingMessage) {
    this.label = message;
    this.max = Math.max(1, max);
    this.trailing = trailingMessage;
    this.progress = 0;
    this.shownPercent = -1;
  }

  @Override
  public void start(long initialProgress) {
    update(initialProgress);
  }

  @Override
  public void end() {
    update(max - 1);
  }

  @Override
  public void increment(long increment) {
    update(progress + increment);
  }

  @Override
  public void update(long progress, String message) {
    this.progress = progress;
    if (disabled) {
      return;
    }
    int percent = (int) Math.min(100, (progress + 1) * 100 / max);
    // Off a terminal only every tenth is printed, so a log holds at most 11 lines per bar.
    int shown = terminal ? percent : percent / 10 * 10;
    if (shown == shownPercent && percent < 100) {
      return;
    }
    if (shownPercent == 100) {
      return;
    }
    shownPercent = percent == 100 ? 100 : shown;
    String tail = message != null ? message : trailing;
    String line = line(shownPercent, tail);
    if (!terminal) {
      out.println(line);
    } else if (shownPercent == 100) {
      out.print('\r' + line + System.lineSeparator());
    } else {
      out.print('\r' + line);
    }
    out.flush();
  }

  private String line(int percent, String tail) {
    StringBuilder sb = new StringBuilder(label).append(' ');
    sb.append(String.format(Locale.ROOT, "%3d%% |", percent));
    int filled = percent * BAR_LENGTH / 100;
    for (int i = 0; i < BAR_LENGTH; i++) {
      sb.append(i < filled ? '=' : ' ');
    }
    sb.append('|');
    if (tail != null && !tail.isEmpty()) {
      sb.append(' ').append(tail);
    }
    return sb.toString();
  }
}
