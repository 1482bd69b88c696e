package dev.fima.datasets;

import dev.fima.api.ConsoleProgress;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.data.Split;
import dev.fima.datasets.augment.DevicePretrainAugmenter;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.loader.PretrainLoader;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.readers.VideoDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pretraining data from a dataset's training list: the reader checks the split files, the clip
 * index probes every video (cached beside the data) and quarantines unusable or too short ones
 * before the first step, and a {@link PretrainLoader} decodes two-window samples in parallel.
 */
public final class VideoPretrainDataSource implements PretrainDataSource {

  private static final Logger LOG = LoggerFactory.getLogger(VideoPretrainDataSource.class);

  @Override
  public PretrainBatchLoader open(PretrainConfig config) {
    VideoDataset dataset = Readers.open(config.data(), Split.TRAIN, config.clip());
    dataset.listing();
    dataset.prepare(new ConsoleProgress());
    ClipIndex index = dataset.index();
    PretrainLoader loader =
        new PretrainLoader(
            index,
            config.clip(),
            config.augment(),
            config.batchSize(),
            config.data().workers(),
            config.data().prefetchBatches(),
            config.data().shortSide(),
            config.run().seed());
    report(loader.stats().quarantine(), index.size());
    return loader;
  }

  @Override
  public PretrainAugmenter augmenter(PretrainConfig config) {
    return new DevicePretrainAugmenter(config.augment());
  }

  static void report(java.util.List<QuarantineEntry> quarantine, int total) {
    if (quarantine.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(quarantine.size()).append(" of ").append(total).append(" videos quarantined:");
    quarantine.stream()
        .limit(20)
        .forEach(q -> sb.append("\n  ").append(q.video()).append(": ").append(q.reason()));
    if (quarantine.size() > 20) {
      sb.append("\n  ...");
    }
    LOG.warn("{}", sb);
  }
}
