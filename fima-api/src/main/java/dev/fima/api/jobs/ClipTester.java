package dev.fima.api.jobs;

import dev.fima.api.config.TestConfig;

/** Multi-clip, multi-crop testing of a fine-tuned classifier. */
public interface ClipTester {

  /**
   * Tests a classifier on the test split.
   *
   * @param config the protocol
   * @return top-1, top-5 and per-class accuracy with the protocol
   */
  EvalReport test(TestConfig config);
}
