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
   * @throws TrainingStoppedException when the run was asked to stop ({@link Stoppable}) before its
   *     last epoch; the exception names the checkpoint written at the stop
   */
  PretrainResult pretrain(PretrainConfig config, Path resumeFrom);
}
