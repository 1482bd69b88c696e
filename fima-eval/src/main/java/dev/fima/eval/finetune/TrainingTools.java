package dev.fima.eval.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.OptimConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the fine-tuning loop needs from the shared training utilities of {@code fima-djl} ({@code
 * dev.fima.djl.train}: momentum SGD with saveable state, learning-rate schedules, gradient
 * clipping, the checkpoint store, the metrics log and loss plots). The loop codes against this
 * small interface so that it does not grow its own copies of them.
 */
public interface TrainingTools {

  /**
   * Creates the optimiser of one run.
   *
   * @param trainable the block whose parameters are trained
   * @param optim learning rate, momentum, weight decay, schedule, clipping
   * @param batchSize the run's batch size (the rate is scaled to it)
   * @param epochs the run's length (for the schedule)
   * @param manager owns the optimiser state
   * @return the optimiser; close it at the end of the run
   */
  Optimiser optimiser(
      Block trainable, OptimConfig optim, int batchSize, int epochs, NDManager manager);

  /**
   * Opens the checkpoint store of a run.
   *
   * @param folder the folder holding the checkpoints
   * @param keep how many of the newest to keep
   * @return the store
   */
  Checkpoints checkpoints(Path folder, int keep);

  /**
   * Opens the metrics log of a run (appending to an existing one).
   *
   * @param runFolder the run's output folder
   * @param epochs the run's length, for progress output
   * @return the log
   */
  RunLog log(Path runFolder, int epochs);

  /** Schedule, update and state of the optimiser of one run. */
  interface Optimiser extends AutoCloseable {

    /**
     * Returns the parameter store forwards must use, so that updates reach the parameters.
     *
     * @return the store
     */
    ParameterStore parameterStore();

    /**
     * Sets the learning rate of the coming step from the schedule.
     *
     * @param epoch 0-based epoch
     * @param batch 0-based batch in the epoch
     * @param batchesPerEpoch steps per epoch
     * @return the rate set
     */
    double prepareStep(int epoch, int batch, int batchesPerEpoch);

    /**
     * Applies one update to every trained parameter from its gradient (after the backward pass),
     * with clipping, and clears the gradients.
     *
     * @return the global gradient norm before clipping; not finite when the step was skipped
     */
    double step();

    /**
     * Writes the optimiser state (momentum buffers) for a resume.
     *
     * @param file the file to write
     * @throws IOException when writing fails
     */
    void save(Path file) throws IOException;

    /**
     * Restores the state written by {@link #save}.
     *
     * @param file the file
     * @throws IOException when reading fails
     */
    void load(Path file) throws IOException;

    @Override
    void close();
  }

  /** Atomically written checkpoint folders, the newest few kept. */
  interface Checkpoints {

    /**
     * Writes a checkpoint.
     *
     * @param sequence its ordering number (the global step)
     * @param contents fills the folder
     * @return the checkpoint folder
     * @throws IOException when writing fails; older checkpoints are then untouched
     */
    Path write(long sequence, FolderWriter contents) throws IOException;

    /**
     * Returns the newest checkpoint of this store.
     *
     * @return the folder, if any
     */
    Optional<Path> latest();

    /**
     * Resolves what a user named for {@code --resume}: a checkpoint folder, a folder of
     * checkpoints, or a run folder.
     *
     * @param path the named path
     * @return the checkpoint folder
     * @throws dev.fima.api.DataException when it holds no checkpoint
     */
    Path resolve(Path path);
  }

  /** Fills a folder. */
  @FunctionalInterface
  interface FolderWriter {
    /**
     * Writes the files of a folder.
     *
     * @param folder the (temporary) folder
     * @throws IOException when writing fails
     */
    void write(Path folder) throws IOException;
  }

  /** Metrics of a run: every step, every epoch, and their plots. */
  interface RunLog {

    /**
     * Records one step.
     *
     * @param epoch 0-based epoch
     * @param batch 0-based batch
     * @param batchesPerEpoch steps per epoch
     * @param step global step (1-based count of steps done)
     * @param learningRate the rate used
     * @param values named values, e.g. {@code loss}, {@code accuracy}
     * @param samples samples in the step
     */
    void step(
        int epoch,
        int batch,
        int batchesPerEpoch,
        long step,
        double learningRate,
        Map<String, Double> values,
        int samples);

    /**
     * Records the end of an epoch.
     *
     * @param epoch 0-based epoch
     * @param step global step
     * @param means mean of each value over the epoch, plus any epoch-level value
     */
    void epoch(int epoch, long step, Map<String, Double> means);

    /**
     * Forgets records after a step, when a run resumes from a checkpoint written then.
     *
     * @param step the checkpoint's step
     */
    void truncateAfter(long step);

    /**
     * Plots named values over steps.
     *
     * @param names the values
     * @param title chart title
     * @param png the file to write
     * @throws IOException when the image cannot be written
     */
    void plot(List<String> names, String title, Path png) throws IOException;

    /**
     * Returns the log file, relative to the run folder, for reports.
     *
     * @return the file name
     */
    String fileName();
  }
}
