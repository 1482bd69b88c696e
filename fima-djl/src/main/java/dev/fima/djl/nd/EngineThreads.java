package dev.fima.djl.nd;

import ai.djl.pytorch.jni.JniUtils;
import dev.fima.api.FimaRuntime;

/**
 * libtorch's intra-op thread count, set in one place for every job ({@code run.threads}).
 *
 * <p>Why it matters: next to decoding threads on a small machine, libtorch's default of one OpenMP
 * thread per core spin-waits for descheduled partners; measured on a busy 2-core machine, one
 * thread made single operators up to 40 times and a probe fit 10 times faster than two.
 */
public final class EngineThreads {

  private EngineThreads() {}

  /**
   * Sets the intra-op thread count of the running engine (starting it offline if needed).
   *
   * @param threads the count; 0 keeps libtorch's default (one per core)
   */
  public static void apply(int threads) {
    FimaRuntime.engine();
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
  }

  /**
   * Returns the current intra-op thread count, for reports.
   *
   * @return the count
   */
  public static int current() {
    FimaRuntime.engine();
    return JniUtils.getNumThreads();
  }
}
