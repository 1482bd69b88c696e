package dev.fima.collectives;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rank's side of one collective worker process: starts it, writes request lines to its standard
 * input, collects its answers, and keeps the last lines of everything else it prints for error
 * messages.
 */
final class WorkerProcess {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

  /** Lines of the worker's other output kept for messages. */
  private static final int TAIL_LINES = 20;

  /**
   * Starts the worker with SIGINT, SIGTERM and SIGHUP ignored: a JVM keeps ignored signals ignored
   * (as under {@code nohup}), so a signal to the whole process group reaches the rank, which
   * decides when to stop, and not its worker, which ends with the rank.
   */
  private static final List<String> IGNORING_GROUP_SIGNALS =
      List.of("/bin/sh", "-c", "trap '' INT TERM HUP; exec \"$0\" \"$@\"");

  /** One answer of the worker. */
  record Answer(String kind, long seq, String detail) {

    /** The end of the worker's output: it has ended. */
    static final Answer ENDED = new Answer("ENDED", -1, "");
  }

  private final Process process;
  private final Writer requests;
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final Deque<String> tail = new ArrayDeque<>();

  private WorkerProcess(Process process) {
    this.process = process;
    this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    String name = "fima-collectives-worker-" + process.pid();
    daemon(name + "-answers", () -> readAnswers(process.getInputStream()));
    daemon(name + "-log", () -> readLog(process.getErrorStream()));
  }

  /**
   * Starts a worker JVM.
   *
   * @param javaCommand the JVM and its options, class path and main class, and the arguments
   * @return the running worker
   * @throws IOException when the process cannot be started
   */
  static WorkerProcess start(List<String> javaCommand) throws IOException {
    List<String> command = new ArrayList<>(IGNORING_GROUP_SIGNALS);
    command.addAll(javaCommand);
    return new WorkerProcess(new ProcessBuilder(command).start());
  }

  /** Returns the worker's process id. */
  long pid() {
    return process.pid();
  }

  /**
   * Writes one request line.
   *
   * @param line the request
   * @throws IOException when the worker no longer reads (it has ended)
   */
  void send(String line) throws IOException {
    requests.write(line);
    requests.write('\n');
    requests.flush();
  }

  /**
   * Waits for the next answer.
   *
   * @param timeoutNanos how long to wait
   * @return the answer, {@link Answer#ENDED} when the worker has ended, or empty on timeout
   */
  Optional<Answer> next(long timeoutNanos) throws InterruptedException {
    return Optional.ofNullable(answers.poll(timeoutNanos, TimeUnit.NANOSECONDS));
  }

  /**
   * Describes how the worker ended, waiting a moment for its exit status, with the last lines it
   * printed.
   */
  String describeEnd() throws InterruptedException {
    String status =
        process.waitFor(5, TimeUnit.SECONDS)
            ? "ended with status " + process.exitValue()
            : "stopped answering";
    synchronized (tail) {
      return "its collective worker (pid "
          + process.pid()
          + ") "
          + status
          + (tail.isEmpty() ? "" : "; its last output: " + String.join(" | ", tail));
    }
  }

  /** Ends the worker: closing its input ends it, and SIGKILL makes sure. */
  void stop() {
    try {
      requests.close();
    } catch (IOException alreadyGone) {
      // Closing a pipe the worker no longer reads.
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the worker at once (SIGKILL), for a worker stuck in a collective. */
  void kill() {
    process.destroyForcibly();
  }

  private void readAnswers(InputStream stdout) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith(WorkerProtocol.PREFIX)) {
          String[] parts = line.substring(WorkerProtocol.PREFIX.length()).split(" ", 3);
          answers.add(
              new Answer(parts[0], Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : ""));
        } else {
          keep(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      keep("(its output could not be read: " + e + ")");
    }
    answers.add(Answer.ENDED);
  }

  private void readLog(InputStream stderr) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        keep(line);
      }
    } catch (IOException e) {
      // The worker has ended; what it printed so far is kept.
    }
  }

  private void keep(String line) {
    LOG.debug("collective worker {}: {}", process.pid(), line);
    synchronized (tail) {
      tail.addLast(line);
      if (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }
}
