package dev.fima.datasets;

import ai.djl.util.Progress;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.data.RankShard;
import dev.fima.api.data.Split;
import dev.fima.datasets.augment.DevicePretrainAugmenter;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.loader.PretrainLoader;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.readers.VideoDataset;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pretraining data from a dataset's training list: the reader checks the split files, the clip
 * index probes every video (cached beside the data) and quarantines unusable or too short ones
 * before the first step, and a {@link PretrainLoader} decodes two-window samples in parallel.
 */
public final class VideoPretrainDataSource implements PretrainDataSource {

  private static final Logger LOG = LoggerFactory.getLogger(VideoPretrainDataSource.class);

  private final Readers readers;

  /** Creates the source over the built-in dataset readers. */
  public VideoPretrainDataSource() {
    this(Readers.builtIn());
  }

  /**
   * Creates the source over some dataset readers.
   *
   * @param readers the reader of each {@code data.dataset} kind
   */
  @Inject
  public VideoPretrainDataSource(Readers readers) {
    this.readers = readers;
  }

  @Override
  public PretrainBatchLoader open(PretrainConfig config, Progress progress) {
    return open(config, RankShard.WHOLE, progress);
  }

  @Override
  public PretrainBatchLoader open(PretrainConfig config, RankShard shard, Progress progress) {
    VideoDataset dataset = readers.open(config.data(), Split.TRAIN, config.clip());
    dataset.listing();
    dataset.prepare(progress);
    ClipIndex index = dataset.index();
    checkWindow(config, index);
    PretrainLoader loader =
        new PretrainLoader(
            index,
            config.clip(),
            config.augment(),
            config.batchSize(),
            config.data().workers(),
            config.data().prefetchBatches(),
            config.data().shortSide(),
            config.run().seed(),
            shard);
    report(loader.stats().quarantine(), index.size());
    reportTruncatedInUse(index);
    return loader;
  }

  @Override
  public PretrainAugmenter augmenter(PretrainConfig config) {
    return new DevicePretrainAugmenter(config.augment());
  }

  /**
   * Fails before training, naming the field to change, when too few videos can give a window: an
   * epoch would otherwise be empty or the loader would fail with a count the user cannot act on.
   */
  static void checkWindow(PretrainConfig config, ClipIndex index) {
    int[] readable = index.usable();
    Path root = Path.of(config.data().root());
    if (readable.length == 0) {
      throw new DataException(
          root,
          "holds no readable video for pretraining: all "
              + index.size()
              + " are quarantined"
              + (index.quarantine().isEmpty()
                  ? ""
                  : ", e.g. "
                      + index.quarantine().get(0).video()
                      + ": "
                      + index.quarantine().get(0).reason()));
    }
    int window = config.clip().windowFrames();
    int longEnough = index.requireWindow(window).usable().length;
    if (longEnough >= config.batchSize()) {
      return;
    }
    int longest = 0;
    for (int v : readable) {
      longest = Math.max(longest, index.info(v).frames());
    }
    if (longEnough == 0) {
      throw new ConfigException(
          "clip.frames",
          "a sampling window of clip.frames x clip.stride = "
              + window
              + " raw frames is longer than every readable video of "
              + root
              + " (the longest has "
              + longest
              + " frames): lower clip.frames or clip.stride");
    }
    throw new ConfigException(
        "batchSize",
        "only "
            + longEnough
            + " of the "
            + readable.length
            + " readable videos of "
            + root
            + " are long enough for a window of "
            + window
            + " raw frames, fewer than batchSize = "
            + config.batchSize()
            + ": lower batchSize, clip.frames or clip.stride");
  }

  /**
   * Warns about the truncated files whose decodable frames are used ({@code data.truncated=use}),
   * each with both frame counts, so that using them is never silent.
   */
  static void reportTruncatedInUse(ClipIndex index) {
    List<QuarantineEntry> truncated = index.truncated();
    if (!truncated.isEmpty()) {
      warn(
          truncated.size()
              + " truncated videos are used with the frames that decode (data.truncated=use):",
          truncated);
    }
  }

  static void report(List<QuarantineEntry> quarantine, int total) {
    if (!quarantine.isEmpty()) {
      warn(quarantine.size() + " of " + total + " videos quarantined:", quarantine);
    }
  }

  /** One warning: a heading, then up to 20 videos with their reasons. */
  private static void warn(String heading, List<QuarantineEntry> videos) {
    StringBuilder sb = new StringBuilder(heading);
    videos.stream()
        .limit(20)
        .forEach(q -> sb.append("\n  ").append(q.video()).append(": ").append(q.reason()));
    if (videos.size() > 20) {
      sb.append("\n  ...");
    }
    LOG.warn("{}", sb);
  }
}
