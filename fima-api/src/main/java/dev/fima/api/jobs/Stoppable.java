package dev.fima.api.jobs;

/**
 * A long-running job that can be asked, from another thread, to stop at its next safe point (a step
 * boundary), write a checkpoint there and return. The command line calls it on SIGINT and SIGTERM.
 */
public interface Stoppable {

  /** Asks the running job to stop at its next step boundary; safe to call from any thread. */
  void requestStop();
}
