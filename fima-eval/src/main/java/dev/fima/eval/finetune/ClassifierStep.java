package dev.fima.eval.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatch;
import dev.fima.djl.loss.LossTerms;
import dev.fima.djl.nd.Scalars;
import dev.fima.djl.train.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one fine-tuning step computes: the batch's device colour augmentation, the classifier's
 * logits in training mode (batch-norm on batch statistics, dropout on), softmax cross-entropy, and
 * the batch's top-1 accuracy, reported as {@code loss} and {@code accuracy}.
 */
final class ClassifierStep implements TrainingStep<LabeledBatch> {

  private final Block classifier;
  private final ClipAugmenter augmenter;
  private final long seed;
  private final Loss loss = Loss.softmaxCrossEntropyLoss();

  /**
   * Creates the step.
   *
   * @param classifier backbone, dropout and head, initialised
   * @param augmenter the colour augmentation
   * @param seed the run seed; each step's augmentation derives from it and the position
   */
  ClassifierStep(Block classifier, ClipAugmenter augmenter, long seed) {
    this.classifier = classifier;
    this.augmenter = augmenter;
    this.seed = seed;
  }

  @Override
  public Forward forward(ParameterStore parameters, LabeledBatch batch, Context context) {
    batch.clips().attach(context.manager());
    batch.labels().attach(context.manager());
    NDArray x = augmenter.augment(batch.clips(), context.position().seed(seed));
    NDArray labels = batch.labels().toType(DataType.INT64, false);
    NDArray logits = classifier.forward(parameters, new NDList(x), true).singletonOrThrow();
    NDArray value = loss.evaluate(new NDList(labels), new NDList(logits));
    int n = batch.size();
    // The share in float64, as count / n is computed on the host.
    NDArray correct = logits.argMax(1).eq(labels).sum().toType(DataType.FLOAT64, false);
    Map<String, NDArray> values = new LinkedHashMap<>();
    values.put("loss", value);
    values.put("accuracy", Scalars.divide(correct, n));
    return new Forward(new LossTerms(value, values), n);
  }
}
