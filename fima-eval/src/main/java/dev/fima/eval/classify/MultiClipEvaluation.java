package dev.fima.eval.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.Progress;
import dev.fima.api.config.Averaging;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoEntry;
import dev.fima.eval.features.ClipFeatures;
import dev.fima.eval.features.ViewPass;
import dev.fima.eval.metrics.ClassificationMetrics;
import dev.fima.eval.metrics.ClipAveraging;
import java.util.List;

/**
 * Multi-clip, multi-crop testing of a classifier: N uniform clips x M crops per video, the
 * classifier's logits on every view (inference mode), combined per video by probability or logit
 * averaging, then top-1, top-5, per-class accuracy and the confusion matrix.
 */
public final class MultiClipEvaluation {

  private MultiClipEvaluation() {}

  /**
   * The outcome of one evaluation.
   *
   * @param metrics accuracies and confusion matrix
   * @param scores {@code [N][classes]} combined score of each evaluated video
   * @param views the per-view logits with the videos' labels, indices and skipped videos
   */
  public record Result(ClassificationMetrics metrics, float[][] scores, ClipFeatures views) {}

  /**
   * Evaluates a classifier on a list of videos.
   *
   * @param classifier the classifier, on {@code manager}'s device
   * @param source opens the loader
   * @param data decoding settings
   * @param clip clip geometry
   * @param videos the videos
   * @param clips uniform clips per video
   * @param crops crops per clip
   * @param averaging how a video's views are combined
   * @param forwardBatch clips per forward pass
   * @param normaliser normalises the loader's clips
   * @param manager the manager of the classifier's device
   * @param progress receives the progress of indexing the videos, or {@code null} for none
   * @return the metrics and scores
   */
  public static Result evaluate(
      VideoClassifier classifier,
      SupervisedDataSource source,
      DataConfig data,
      ClipConfig clip,
      List<VideoEntry> videos,
      int clips,
      int crops,
      Averaging averaging,
      int forwardBatch,
      ClipAugmenter normaliser,
      NDManager manager,
      Progress progress) {
    int k = clips * crops;
    ClipFeatures logits;
    ParameterStore store = new ParameterStore(manager, false);
    try (LabeledBatchLoader loader =
        source.evalLoader(
            data, clip, clips, crops, videos, Math.max(1, forwardBatch / k), progress)) {
      logits =
          ViewPass.run(
              loader,
              manager,
              normaliser,
              x -> classifier.forward(store, new NDList(x), false).singletonOrThrow());
    }
    logits.requireUsable("test");
    int classes = classifier.classes();
    int n = logits.size();
    float[][] scores = new float[n][classes];
    try (NDManager scope = manager.newSubManager()) {
      NDArray views = scope.create(logits.values(), new Shape(n, k, classes));
      float[] combined = ClipAveraging.combine(views, averaging).toFloatArray();
      for (int i = 0; i < n; i++) {
        System.arraycopy(combined, i * classes, scores[i], 0, classes);
      }
    }
    return new Result(
        ClassificationMetrics.compute(scores, logits.labels(), classes, 5), scores, logits);
  }
}
