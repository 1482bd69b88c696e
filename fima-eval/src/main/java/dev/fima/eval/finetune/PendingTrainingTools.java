package dev.fima.eval.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fima.api.FimaException;
import dev.fima.api.config.OptimConfig;
import java.nio.file.Path;

/** Placeholder until fima-djl's training utilities ({@code dev.fima.djl.train}) land. */
final class PendingTrainingTools implements TrainingTools {

  private static FimaException notYet() {
    return new FimaException(
        "fine-tuning needs the shared training utilities of fima-djl (dev.fima.djl.train),"
            + " which are not built yet");
  }

  @Override
  public Optimiser optimiser(
      Block trainable, OptimConfig optim, int batchSize, int epochs, NDManager manager) {
    throw notYet();
  }

  @Override
  public Checkpoints checkpoints(Path folder, int keep) {
    throw notYet();
  }

  @Override
  public RunLog log(Path runFolder, int epochs) {
    throw notYet();
  }
}
