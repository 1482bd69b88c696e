package dev.fima.api.jobs;

import dev.fima.api.config.LinearProbeConfig;

/** Linear probing of a frozen backbone. */
public interface LinearProbe {

  /**
   * Extracts features, sweeps the classifier's hyper-parameters on a validation split, trains the
   * chosen one on the whole training split and tests it.
   *
   * @param config the protocol
   * @return accuracies with the protocol
   */
  EvalReport probe(LinearProbeConfig config);
}
