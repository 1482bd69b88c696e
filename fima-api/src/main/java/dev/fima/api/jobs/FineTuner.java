package dev.fima.api.jobs;

import dev.fima.api.config.FinetuneConfig;
import java.nio.file.Path;

/** Fine-tuning of a whole backbone with a classifier head. */
public interface FineTuner {

  /**
   * Fine-tunes and tests the last epoch (and, with a validation split, the best validation epoch).
   *
   * @param config the protocol
   * @param resumeFrom a fine-tuning checkpoint to continue from, or {@code null}
   * @return accuracies with the protocol
   * @throws TrainingStoppedException when the run was asked to stop ({@link Stoppable}) before its
   *     last epoch; the exception names the checkpoint written at the stop
   */
  EvalReport finetune(FinetuneConfig config, Path resumeFrom);
}
