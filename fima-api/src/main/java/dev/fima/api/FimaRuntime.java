package dev.fima.api;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;

/**
 * Starts the engine the way every entry point of FIMA-J must: offline, so that DJL never reaches
 * for the network on its own, and with a clear message when libtorch cannot be loaded.
 */
public final class FimaRuntime {

  /** The system property that stops DJL from downloading native libraries. */
  public static final String OFFLINE_PROPERTY = "ai.djl.offline";

  private FimaRuntime() {}

  /**
   * Switches DJL to offline mode unless the user explicitly set {@code ai.djl.offline=false}
   * (needed once on a GPU machine, for DJL to download the CUDA libtorch).
   */
  public static void enforceOffline() {
    if (System.getProperty(OFFLINE_PROPERTY) == null) {
      System.setProperty(OFFLINE_PROPERTY, "true");
    }
  }

  /**
   * Returns the engine, started offline.
   *
   * @return the PyTorch engine
   * @throws FimaException naming what to install when libtorch cannot be loaded
   */
  public static Engine engine() {
    enforceOffline();
    try {
      return Engine.getEngine("PyTorch");
    } catch (EngineException | IllegalArgumentException e) {
      throw new FimaException(
          "cannot load libtorch: "
              + rootMessage(e)
              + "\nFIMA-J runs offline. Put ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier"
              + " linux-x86_64) on the classpath (the default build does), or point"
              + " PYTORCH_LIBRARY_PATH at a libtorch 2.7.1 lib folder and set PYTORCH_VERSION=2.7.1"
              + " and PYTORCH_FLAVOR (cpu or cu128). To let DJL download it once, run with"
              + " -Dai.djl.offline=false.",
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }
}
