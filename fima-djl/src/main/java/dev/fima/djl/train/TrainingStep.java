package dev.fima.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import dev.fima.djl.loss.LossTerms;
import java.util.Map;

/**
 * What one step of a {@link TrainingLoop} computes for a batch: the forward pass and the loss, with
 * gradients recorded. Everything around it is the loop's: the learning rate, the engine seed, the
 * parameter store, backward, gradient clipping, the update, and undoing a step whose loss or
 * gradient is not finite.
 *
 * <p>For a block and a DJL {@link Loss} on DJL {@link Batch}es, {@link #supervised} is the whole
 * step:
 *
 * <pre>{@code
 * TrainingStep<Batch> step = TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss());
 * }</pre>
 *
 * @param <B> the batch type
 */
@FunctionalInterface
public interface TrainingStep<B> {

  /**
   * Runs the forward pass and the loss of one batch, inside the loop's gradient collector.
   *
   * @param parameters the parameter store of this step (pass it to every {@code Block.forward})
   * @param batch the batch; attach its arrays to {@code context.manager()} so that they go when the
   *     step ends
   * @param context the step's manager and position
   * @return the loss to differentiate, the values to report and what to do after the update
   */
  Forward forward(ParameterStore parameters, B batch, Context context);

  /**
   * Where a step runs.
   *
   * @param manager the step's manager, closed by the loop after the update
   * @param position the position of the batch (its epoch and index), before the step
   */
  record Context(NDManager manager, Position position) {}

  /**
   * What a step's forward pass gives the loop.
   *
   * @param terms the total that backward runs on, and every value to report by name (scalars), the
   *     first of which is conventionally the total
   * @param samples samples in the batch (the weight of its values in the epoch means)
   * @param afterUpdate run once the optimiser has applied the step, never for a skipped step: the
   *     place for writes the update must come first for, such as enqueueing keys (an in-place write
   *     before backward would invalidate the graph)
   */
  record Forward(LossTerms terms, int samples, Runnable afterUpdate) {

    /**
     * Creates the result of a step with nothing to do after the update.
     *
     * @param terms the total and the reported values
     * @param samples samples in the batch
     */
    public Forward(LossTerms terms, int samples) {
      this(terms, samples, () -> {});
    }
  }

  /**
   * Returns the step of supervised training: the block's forward pass in training mode on the
   * batch's data, the loss of its predictions against the batch's labels, reported under {@code
   * "loss"}.
   *
   * @param block an initialised block
   * @param loss a DJL loss, e.g. {@code Loss.softmaxCrossEntropyLoss()}
   * @return the step
   */
  static TrainingStep<Batch> supervised(Block block, Loss loss) {
    return (parameters, batch, context) -> {
      NDList data = batch.getData();
      NDList labels = batch.getLabels();
      data.attach(context.manager());
      labels.attach(context.manager());
      NDList predictions = block.forward(parameters, data, true);
      NDArray value = loss.evaluate(labels, predictions);
      return new Forward(new LossTerms(value, Map.of("loss", value)), batch.getSize());
    };
  }
}
