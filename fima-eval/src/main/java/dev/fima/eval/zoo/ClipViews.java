package dev.fima.eval.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.DataException;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoEntry;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * The normalised views {@code [K, 3, T, S, S]} a backbone sees for one video, cut exactly as the
 * evaluation jobs cut them: the data source's evaluation loader samples {@code clips} uniform
 * windows x {@code crops} fixed crops, and its normaliser applies the pipeline's normalisation.
 */
final class ClipViews {

  private final SupervisedDataSource source;
  private final ClipAugmenter normaliser;
  private final DataConfig data;
  private final ClipConfig clip;
  private final int clips;
  private final int crops;

  ClipViews(
      SupervisedDataSource source,
      ClipAugmenter normaliser,
      DataConfig data,
      ClipConfig clip,
      int clips,
      int crops) {
    this.source = source;
    this.normaliser = normaliser;
    this.data = data;
    this.clip = clip;
    this.clips = clips;
    this.crops = crops;
  }

  /**
   * Decodes, samples and normalises the views of a video file.
   *
   * @param manager receives the arrays
   * @param video the file
   * @return {@code [clips * crops, 3, T, S, S]}
   * @throws DataException naming the file when it cannot be decoded
   */
  NDArray ofVideo(NDManager manager, Path video) {
    VideoEntry entry = new VideoEntry(video, 0, String.valueOf(video.getFileName()));
    try (LabeledBatchLoader loader =
        source.evalLoader(data, clip, clips, crops, List.of(entry), 1, null)) {
      Iterator<LabeledBatch> batches = loader.epoch(manager, 0, 0);
      if (!batches.hasNext()) {
        throw new DataException(
            video,
            loader.stats().quarantine().stream()
                .map(QuarantineEntry::reason)
                .findFirst()
                .orElse("no clip could be decoded"));
      }
      NDArray views = batches.next().clips();
      return normaliser.normalize(views.reshape(views.getShape().slice(1)));
    }
  }

  /**
   * Normalises decoded clips, copied onto the manager so that the caller's arrays stay theirs.
   *
   * @param manager receives the arrays
   * @param decoded one clip {@code [3, T, S, S]} or views {@code [K, 3, T, S, S]}, float32 RGB in
   *     [0, 1], T and S those of the backbone
   * @return {@code [K, 3, T, S, S]}, K = 1 for one clip
   * @throws IllegalArgumentException when the shape is not the backbone's clip shape
   */
  NDArray ofClips(NDManager manager, NDArray decoded) {
    Shape one = new Shape(3, clip.frames(), clip.crop(), clip.crop());
    Shape s = decoded.getShape();
    boolean single = s.equals(one);
    if (!single && !(s.dimension() == 5 && s.slice(1).equals(one))) {
      throw new IllegalArgumentException(
          "decoded clips must be "
              + one
              + " or (K, "
              + one.toString().substring(1)
              + " (the backbone's frames and crop), got "
              + s);
    }
    NDArray copy = manager.create(decoded.toFloatArray(), single ? new Shape(1).addAll(one) : s);
    return normaliser.normalize(copy);
  }
}
