package dev.fima.cli;

import dev.fima.api.jobs.Stoppable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The rank processes {@code fima launch} started on this machine, supervised as {@code torchrun}
 * does: the first rank that exits with a non-zero status stops the others (SIGTERM, then SIGKILL
 * after the stop timeout), and a stop request (the launcher's own SIGINT or SIGTERM) is passed on
 * to every rank the same way. Ranks handle SIGINT and SIGTERM alike (a checkpoint at the next step
 * boundary), so SIGTERM stands for both; Java cannot send SIGINT.
 *
 * <p>The first local rank prints to the launcher's console; each other rank writes its standard
 * output and error to its log file, whose last lines are printed when it fails.
 */
final class LaunchedRanks implements Stoppable {

  /** Lines of a failed rank's log shown with its failure. */
  private static final int TAIL_LINES = 15;

  /**
   * One rank to start.
   *
   * @param rank its global rank
   * @param command the program and its arguments
   * @param environment variables added to the launcher's
   * @param log the file receiving its output, or null for the launcher's console
   */
  record Rank(int rank, List<String> command, Map<String, String> environment, Path log) {}

  private final List<Rank> ranks;
  private final int worldSize;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Duration stopTimeout;
  private final List<Process> processes = new ArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();
  private final BlockingQueue<Integer> exits = new LinkedBlockingQueue<>();
  private volatile boolean stopping;
  private volatile boolean stopRequested;
  private long killDeadline;

  /**
   * Prepares the ranks.
   *
   * @param ranks this machine's ranks
   * @param worldSize the number of ranks of the whole run, for messages
   * @param out the launcher's standard output
   * @param err the launcher's error output
   * @param stopTimeout how long a stopped rank may take before it is killed
   */
  LaunchedRanks(
      List<Rank> ranks, int worldSize, PrintWriter out, PrintWriter err, Duration stopTimeout) {
    this.ranks = List.copyOf(ranks);
    this.worldSize = worldSize;
    this.out = out;
    this.err = err;
    this.stopTimeout = stopTimeout;
  }

  /**
   * Starts every rank and waits until all have ended.
   *
   * @return 0 when every rank succeeded; the status of the first rank that failed; 143 when the
   *     launcher was asked to stop
   * @throws IOException when a rank cannot be started (those already started are stopped)
   */
  int run() throws IOException, InterruptedException {
    startAll();
    int[] status = new int[ranks.size()];
    int failed = -1;
    int running = ranks.size();
    while (running > 0) {
      Integer ended =
          stopping
              ? exits.poll(Math.max(0, killDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)
              : exits.poll(1, TimeUnit.SECONDS);
      if (ended == null) {
        if (stopping && System.nanoTime() >= killDeadline) {
          killRemaining();
        }
        continue;
      }
      running--;
      status[ended] = processes.get(ended).exitValue();
      Rank rank = ranks.get(ended);
      if (status[ended] != 0 && !stopping) {
        failed = ended;
        say("rank " + rank.rank() + " " + describe(status[ended]) + "; stopping the other ranks");
        stopAll();
      } else if (stopping) {
        say("rank " + rank.rank() + " " + describe(status[ended]));
      }
    }
    for (Thread pump : pumps) {
      pump.join();
    }
    if (failed >= 0) {
      reportFailure(ranks.get(failed), status[failed]);
      return status[failed];
    }
    return stopRequested ? 143 : 0;
  }

  /** Passes a stop on to every running rank: the launcher received SIGINT or SIGTERM. */
  @Override
  public void requestStop() {
    stopRequested = true;
    say("stopping the ranks (SIGTERM)");
    stopAll();
  }

  /** Returns the process ids of the ranks started so far, in their order. */
  List<Long> pids() {
    synchronized (processes) {
      return processes.stream().map(Process::pid).toList();
    }
  }

  private void startAll() throws IOException {
    try {
      for (int i = 0; i < ranks.size(); i++) {
        start(i);
      }
    } catch (IOException e) {
      stopAll();
      throw e;
    }
  }

  private void start(int index) throws IOException {
    Rank rank = ranks.get(index);
    ProcessBuilder builder = new ProcessBuilder(rank.command());
    builder.environment().putAll(rank.environment());
    if (rank.log() != null) {
      builder.redirectErrorStream(true).redirectOutput(rank.log().toFile());
    }
    Process p = builder.start();
    synchronized (processes) {
      processes.add(p);
    }
    p.onExit().thenRun(() -> exits.add(index));
    if (rank.log() == null) {
      pump(p.getInputStream(), out, "out");
      pump(p.getErrorStream(), err, "err");
      say("rank " + rank.rank() + " of " + worldSize + " (pid " + p.pid() + ") prints here");
    } else {
      say(
          "rank "
              + rank.rank()
              + " of "
              + worldSize
              + " (pid "
              + p.pid()
              + ") logs to "
              + rank.log());
    }
  }

  /**
   * Sends SIGTERM to every running rank, once, and sets the time after which they are killed.
   * Through the process handle: {@link Process#destroy()} would also close the rank's output
   * streams, and what a stopping rank prints last (where it stopped, how to resume) would be lost.
   */
  private synchronized void stopAll() {
    if (stopping) {
      return;
    }
    killDeadline = System.nanoTime() + stopTimeout.toNanos();
    stopping = true;
    synchronized (processes) {
      for (Process p : processes) {
        p.toHandle().destroy();
      }
    }
  }

  private void killRemaining() {
    synchronized (processes) {
      for (int i = 0; i < processes.size(); i++) {
        if (processes.get(i).isAlive()) {
          say(
              "rank "
                  + ranks.get(i).rank()
                  + " did not stop within "
                  + stopTimeout.toSeconds()
                  + " s; killing it (SIGKILL)");
          processes.get(i).toHandle().destroyForcibly();
        }
      }
    }
    killDeadline = Long.MAX_VALUE;
  }

  private void reportFailure(Rank rank, int status) {
    StringBuilder message =
        new StringBuilder(
            "fima: rank "
                + rank.rank()
                + " of "
                + worldSize
                + " "
                + describe(status)
                + "; the other ranks were stopped");
    if (rank.log() != null) {
      message.append(". Its log, ").append(rank.log()).append(", ends:");
      for (String line : tail(rank.log())) {
        message.append(System.lineSeparator()).append("  ").append(line);
      }
    }
    err.println(message);
    err.flush();
  }

  /** Describes an exit status, naming the signal of a status above 128 as the shell reports it. */
  static String describe(int status) {
    if (status == 0) {
      return "exited with status 0";
    }
    String signal =
        switch (status) {
          case 130 -> " (SIGINT)";
          case 137 -> " (SIGKILL)";
          case 143 -> " (SIGTERM)";
          default -> status > 128 ? " (signal " + (status - 128) + ")" : "";
        };
    return "exited with status " + status + signal;
  }

  private static List<String> tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    } catch (IOException e) {
      return List.of("(cannot read it: " + e.getMessage() + ")");
    }
  }

  private void say(String line) {
    synchronized (err) {
      err.println("fima launch: " + line);
      err.flush();
    }
  }

  /**
   * Copies a rank's output to the console as it comes, progress bars' carriage returns included.
   */
  private void pump(InputStream from, PrintWriter to, String name) {
    Thread t =
        new Thread(
            () -> {
              char[] buffer = new char[8192];
              try (Reader in = new InputStreamReader(from, StandardCharsets.UTF_8)) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  synchronized (to) {
                    to.write(buffer, 0, n);
                    to.flush();
                  }
                }
              } catch (IOException e) {
                // The rank has ended.
              }
            },
            "fima-launch-" + name);
    t.setDaemon(true);
    t.start();
    pumps.add(t);
  }
}
