package dev.fima.eval.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Progress;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import java.util.Iterator;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of a model over every view of every video of an evaluation loader: each batch {@code [B,
 * K, 3, T, S, S]} is flattened to {@code B*K} clips, normalised, run through the model, and the
 * per-view outputs {@code [B*K, D]} are copied to host memory. Each batch lives in its own
 * sub-manager, closed before the next one, so memory stays flat over a whole dataset.
 */
public final class ViewPass {

  private static final Logger LOG = LoggerFactory.getLogger(ViewPass.class);

  private ViewPass() {}

  /**
   * Runs the pass.
   *
   * @param loader an evaluation loader (deterministic, every decodable video once)
   * @param manager the manager whose device the model runs on
   * @param normaliser normalises the [0, 1] clips the loader delivers
   * @param model maps normalised clips {@code [N, 3, T, S, S]} to outputs {@code [N, D]}, in
   *     inference mode
   * @return the outputs of every view of every delivered video, and the videos skipped
   */
  public static ClipFeatures run(
      LabeledBatchLoader loader,
      NDManager manager,
      ClipAugmenter normaliser,
      UnaryOperator<NDArray> model) {
    return run(loader, manager, normaliser, model, null, "");
  }

  /**
   * Runs the pass, showing its progress batch by batch.
   *
   * @param loader an evaluation loader (deterministic, every decodable video once)
   * @param manager the manager whose device the model runs on
   * @param normaliser normalises the [0, 1] clips the loader delivers
   * @param model maps normalised clips {@code [N, 3, T, S, S]} to outputs {@code [N, D]}, in
   *     inference mode
   * @param progress where to show the progress, or {@code null} for nowhere
   * @param label what the pass is, shown before the bar
   * @return the outputs of every view of every delivered video, and the videos skipped
   */
  public static ClipFeatures run(
      LabeledBatchLoader loader,
      NDManager manager,
      ClipAugmenter normaliser,
      UnaryOperator<NDArray> model,
      Progress progress,
      String label) {
    Growing out = new Growing();
    int views = -1;
    int dims = -1;
    int batches = loader.batchesPerEpoch();
    int done = 0;
    if (progress != null) {
      progress.reset(label, batches);
      progress.start(0);
    }
    try (NDManager pass = manager.newSubManager()) {
      Iterator<LabeledBatch> it = loader.epoch(pass, 0, 0);
      while (it.hasNext()) {
        LabeledBatch batch = it.next();
        try (NDManager step = pass.newSubManager()) {
          batch.clips().attach(step);
          batch.labels().attach(step);
          Shape s = batch.clips().getShape();
          if (s.dimension() != 6) {
            throw new IllegalStateException(
                "evaluation batches must be [B, K, 3, T, S, S], got " + s);
          }
          int b = (int) s.get(0);
          int k = (int) s.get(1);
          NDArray flat = batch.clips().reshape(new Shape(b * (long) k).addAll(s.slice(2)));
          NDArray y = model.apply(normaliser.normalize(flat));
          if (y.getShape().dimension() != 2 || y.getShape().get(0) != (long) b * k) {
            throw new IllegalStateException(
                "model output must be [" + (b * k) + ", D], got " + y.getShape());
          }
          int d = (int) y.getShape().get(1);
          if (views < 0) {
            views = k;
            dims = d;
          } else if (views != k || dims != d) {
            throw new IllegalStateException(
                "views or output size changed within a pass: " + k + "x" + d);
          }
          out.add(
              y.toType(DataType.FLOAT32, false).toFloatArray(),
              batch.labels().toType(DataType.INT64, false).toLongArray(),
              batch.videoIndices());
        }
        done++;
        LOG.debug("evaluation batch {}/{}", done, batches);
        if (progress != null) {
          progress.update(done - 1, done + "/" + batches + " batches, " + out.count + " videos");
        }
      }
    }
    if (progress != null) {
      progress.end();
    }
    return new ClipFeatures(
        Math.max(views, 0),
        Math.max(dims, 0),
        out.values(),
        out.labels(),
        out.indices(),
        loader.stats().quarantine(),
        loader.stats().clampedSamples());
  }

  /** Host buffers that grow by doubling, so a dataset's outputs are copied about twice. */
  private static final class Growing {
    private float[] values = new float[1024];
    private int valueCount;
    private int[] labels = new int[64];
    private int[] indices = new int[64];
    private int count;

    void add(float[] v, long[] l, int[] idx) {
      if (l.length != idx.length) {
        throw new IllegalStateException(l.length + " labels but " + idx.length + " video indices");
      }
      while (valueCount + v.length > values.length) {
        values = java.util.Arrays.copyOf(values, values.length * 2);
      }
      System.arraycopy(v, 0, values, valueCount, v.length);
      valueCount += v.length;
      while (count + l.length > labels.length) {
        labels = java.util.Arrays.copyOf(labels, labels.length * 2);
        indices = java.util.Arrays.copyOf(indices, indices.length * 2);
      }
      for (int i = 0; i < l.length; i++) {
        labels[count + i] = Math.toIntExact(l[i]);
        indices[count + i] = idx[i];
      }
      count += l.length;
    }

    float[] values() {
      return java.util.Arrays.copyOf(values, valueCount);
    }

    int[] labels() {
      return java.util.Arrays.copyOf(labels, count);
    }

    int[] indices() {
      return java.util.Arrays.copyOf(indices, count);
    }
  }
}
