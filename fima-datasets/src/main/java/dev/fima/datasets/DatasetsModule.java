package dev.fima.datasets;

import com.google.inject.AbstractModule;
import dev.fima.api.FimaException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoCatalog;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import java.nio.file.Path;
import java.util.List;

/** Guice bindings of the data side: pretraining and supervised data sources, the generator. */
public final class DatasetsModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(PretrainDataSource.class).to(PendingDataSource.class);
    bind(SyntheticVideoGenerator.class).to(PendingGenerator.class);
    bind(SupervisedDataSource.class).to(PendingSupervised.class);
  }

  /** Placeholder until the supervised loaders land (issue 3). */
  static final class PendingSupervised implements SupervisedDataSource {
    private static FimaException notYet() {
      return new FimaException("the supervised data pipeline is not built yet (issue 3)");
    }

    @Override
    public VideoCatalog catalog(DataConfig data) {
      throw notYet();
    }

    @Override
    public LabeledBatchLoader trainLoader(
        DataConfig data,
        ClipConfig clip,
        AugmentConfig augment,
        List<VideoEntry> videos,
        int batchSize,
        long seed) {
      throw notYet();
    }

    @Override
    public LabeledBatchLoader evalLoader(
        DataConfig data,
        ClipConfig clip,
        int clips,
        int crops,
        List<VideoEntry> videos,
        int batchSize) {
      throw notYet();
    }

    @Override
    public ClipAugmenter augmenter(AugmentConfig augment) {
      throw notYet();
    }
  }

  /** Placeholder until the data pipeline lands (issue 3). */
  static final class PendingDataSource implements PretrainDataSource {
    @Override
    public PretrainBatchLoader open(PretrainConfig config) {
      throw new FimaException("the pretraining data pipeline is not built yet (issue 3)");
    }

    @Override
    public PretrainAugmenter augmenter(PretrainConfig config) {
      throw new FimaException("the pretraining augmentation is not built yet (issue 3)");
    }
  }

  /** Placeholder until the generator lands (issue 3). */
  static final class PendingGenerator implements SyntheticVideoGenerator {
    @Override
    public Path generate(SynthConfig config) {
      throw new FimaException("the synthetic video generator is not built yet (issue 3)");
    }
  }
}
