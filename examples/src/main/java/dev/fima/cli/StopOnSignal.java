package dev.fima.cli;

import dev.fima.api.jobs.Stoppable;
import dev.fima.api.jobs.TrainingStoppedException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGINT and SIGTERM into a clean stop of a training job: a JVM shutdown hook asks the job to
 * stop at its next step boundary and waits, at most {@code fima.stopTimeoutSeconds} (system
 * property, 300 by default), until the job has written its checkpoint and the command has printed
 * where it stopped. A shutdown hook rather than {@code sun.misc.Signal}: it is a supported API, it
 * covers both signals (and any other orderly JVM exit) in one place, and the process still exits
 * with the conventional status of the signal (130 for SIGINT, 143 for SIGTERM). A second signal
 * cannot shorten the wait; {@code kill -9} can, and leaves the previous checkpoint intact because
 * checkpoints are written atomically.
 */
final class StopOnSignal implements AutoCloseable {

  /** Property overriding how long a signal waits for the checkpoint, in seconds. */
  static final String TIMEOUT_PROPERTY = "fima.stopTimeoutSeconds";

  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicBoolean fired = new AtomicBoolean();
  private final Thread hook;

  private StopOnSignal(Stoppable job, PrintWriter err) {
    long timeout = Long.getLong(TIMEOUT_PROPERTY, 300);
    hook =
        new Thread(
            () -> {
              fired.set(true);
              err.println("fima: stopping at the next step boundary and writing a checkpoint...");
              err.flush();
              job.requestStop();
              try {
                if (!done.await(timeout, TimeUnit.SECONDS)) {
                  err.println(
                      "fima: no checkpoint within "
                          + timeout
                          + " s; exiting, the previous checkpoint is intact");
                  err.flush();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fima-stop-on-signal");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Runs a training job with the hook installed. A job the signal stopped ends with a {@link
   * TrainingStoppedException} saying where and how to continue, which is printed here as one line
   * {@code fima: <message>} before the hook lets the JVM exit (with the signal's status); any other
   * failure, and a stop no signal asked for, propagates to the common handler.
   *
   * @param job the job about to run
   * @param err where the hook and the stop are reported
   * @param body runs the job and prints its result
   */
  static void run(Object job, PrintWriter err, Runnable body) {
    try (StopOnSignal signal = install(job, err)) {
      try {
        body.run();
      } catch (TrainingStoppedException stopped) {
        if (!signal.fired()) {
          throw stopped;
        }
        err.println("fima: " + stopped.getMessage());
        err.flush();
      }
    }
  }

  /**
   * Installs the hook for a job when it can be stopped.
   *
   * @param job the job about to run
   * @param err where the hook says what it is doing
   * @return the installed hook, closed when the job has returned and its outcome is printed
   */
  static StopOnSignal install(Object job, PrintWriter err) {
    Stoppable stoppable = job instanceof Stoppable s ? s : () -> {};
    return new StopOnSignal(stoppable, err);
  }

  /**
   * Tells whether a signal (or another JVM shutdown) asked the job to stop.
   *
   * @return true once the hook has run
   */
  boolean fired() {
    return fired.get();
  }

  /** Lets a waiting hook finish (the JVM then exits) or, without a signal, removes the hook. */
  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running: counting down above lets it return and the JVM exit.
    }
  }
}
