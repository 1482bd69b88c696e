package dev.fima.cli;

import java.util.Map;

/**
 * Stops a rank whose {@code fima launch} has ended without stopping it (a launcher killed with
 * SIGKILL cannot pass anything on): the rank then stops as on SIGTERM, at its next step boundary
 * with a checkpoint, instead of training on alone.
 */
final class LauncherWatch {

  /** Exit status of a rank whose launcher is gone, that of SIGTERM. */
  static final int LAUNCHER_GONE = 143;

  private LauncherWatch() {}

  /**
   * Watches the launcher named by {@value LaunchPlan#LAUNCHER_PID}, if any.
   *
   * @param env the process's environment
   */
  static void install(Map<String, String> env) {
    String pid = env.get(LaunchPlan.LAUNCHER_PID);
    if (pid == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(pid.strip()))
        .ifPresentOrElse(
            launcher -> launcher.onExit().thenRun(() -> stop(launcher.pid())),
            () -> stop(Long.parseLong(pid.strip())));
  }

  private static void stop(long pid) {
    System.err.println("fima: the launcher (pid " + pid + ") has ended; stopping this rank");
    System.exit(LAUNCHER_GONE);
  }
}
