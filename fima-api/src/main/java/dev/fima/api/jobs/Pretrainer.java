package dev.fima.api.jobs;

import dev.fima.api.config.PretrainConfig;
import java.nio.file.Path;

/** Self-supervised pretraining of a backbone (FIMA or the MoCo baseline). */
public interface Pretrainer {

  /**
   * Runs pretraining to the configured number of epochs.
   *
   * @param config the run
   * @param resumeFrom a checkpoint file or run folder to continue from, or {@code null} to start
   * @return what was trained and where it was written
   */
  PretrainResult pretrain(PretrainConfig config, Path resumeFrom);
}
