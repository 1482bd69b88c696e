package dev.fima.djl.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What goes into a checkpoint of a {@link TrainingLoop}: the loop decides when one is due and
 * writes the folder atomically through a {@link CheckpointStore}; the job fills it. {@link
 * ModelCheckpoint} is the content of a block and its optimiser; pretraining adds its queues and
 * configuration, fine-tuning its validation history.
 */
@FunctionalInterface
public interface CheckpointContent {

  /**
   * Fills a checkpoint's (empty, temporary) folder.
   *
   * @param folder the folder
   * @param position where the run stands: a resumed run continues from here
   * @throws IOException when a file cannot be written
   */
  void write(Path folder, Position position) throws IOException;
}
