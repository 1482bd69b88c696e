package dev.fima.djl.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches libtorch's gradient recording off on the current thread until closed, then restores it:
 * {@code torch.no_grad()}. Gradient mode is per thread in libtorch, so the scope must be opened and
 * closed on the thread that runs the passes. The key side's parameters are frozen anyway; the scope
 * makes its passes record nothing even inside a {@code GradientCollector}, whatever their inputs,
 * and lets libtorch pick its inference kernels.
 */
final class NoGradScope implements AutoCloseable {

  private final boolean previous;

  private NoGradScope() {
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  /**
   * Opens a scope.
   *
   * @return the scope, to close in a try-with-resources
   */
  static NoGradScope open() {
    return new NoGradScope();
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
