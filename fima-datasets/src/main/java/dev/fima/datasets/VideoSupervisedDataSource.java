package dev.fima.datasets;

import ai.djl.util.Progress;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoCatalog;
import dev.fima.api.data.VideoEntry;
import dev.fima.datasets.augment.DeviceClipAugmenter;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.index.ClipIndexer;
import dev.fima.datasets.loader.EvalLoader;
import dev.fima.datasets.loader.SupervisedTrainLoader;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.readers.VideoDataset;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;

/**
 * Labelled data for evaluation: catalogs from the official split files ({@link Readers}), and
 * parallel training and evaluation loaders over any list of videos, whose clip index is cached
 * beside the data when the configuration says so.
 */
public final class VideoSupervisedDataSource implements SupervisedDataSource {

  private final Readers readers;

  /** Creates the source over the built-in dataset readers. */
  public VideoSupervisedDataSource() {
    this(Readers.builtIn());
  }

  /**
   * Creates the source over some dataset readers.
   *
   * @param readers the reader of each {@code data.dataset} kind
   */
  @Inject
  public VideoSupervisedDataSource(Readers readers) {
    this.readers = readers;
  }

  @Override
  public VideoCatalog catalog(DataConfig data) {
    return readers.open(data, Split.TRAIN, ClipConfig.defaults()).listing();
  }

  @Override
  public LabeledBatchLoader trainLoader(
      DataConfig data,
      ClipConfig clip,
      AugmentConfig augment,
      List<VideoEntry> videos,
      int batchSize,
      long seed,
      Progress progress) {
    ClipIndex index = index(data, videos, progress);
    SupervisedTrainLoader loader =
        new SupervisedTrainLoader(
            videos,
            index,
            clip,
            augment,
            batchSize,
            data.workers(),
            data.prefetchBatches(),
            data.shortSide(),
            seed);
    VideoPretrainDataSource.report(loader.stats().quarantine(), videos.size());
    VideoPretrainDataSource.reportTruncatedInUse(index);
    return loader;
  }

  @Override
  public LabeledBatchLoader evalLoader(
      DataConfig data,
      ClipConfig clip,
      int clips,
      int crops,
      List<VideoEntry> videos,
      int batchSize,
      Progress progress) {
    ClipIndex index = index(data, videos, progress);
    EvalLoader loader =
        new EvalLoader(
            videos,
            index,
            clip,
            clips,
            crops,
            batchSize,
            data.workers(),
            data.prefetchBatches(),
            data.shortSide());
    VideoPretrainDataSource.report(loader.stats().quarantine(), videos.size());
    VideoPretrainDataSource.reportTruncatedInUse(index);
    return loader;
  }

  @Override
  public ClipAugmenter augmenter(AugmentConfig augment) {
    return new DeviceClipAugmenter(augment);
  }

  private static ClipIndex index(DataConfig data, List<VideoEntry> videos, Progress progress) {
    Path cache =
        data.cacheIndex() && data.root() != null && !data.root().isBlank()
            ? Path.of(data.root()).resolve(VideoDataset.INDEX_FILE)
            : null;
    return new ClipIndexer(Runtime.getRuntime().availableProcessors())
        .index(videos.stream().map(VideoEntry::path).toList(), cache, progress)
        .withTruncated(data.truncated());
  }
}
