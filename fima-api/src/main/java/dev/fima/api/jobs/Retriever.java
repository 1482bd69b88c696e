package dev.fima.api.jobs;

import dev.fima.api.config.RetrieveConfig;

/** Nearest-neighbour video retrieval with backbone features. */
public interface Retriever {

  /**
   * Queries the training gallery with every test video.
   *
   * @param config the protocol
   * @return recall@k with the protocol
   */
  EvalReport retrieve(RetrieveConfig config);
}
