package dev.fima.datasets;

import com.google.inject.AbstractModule;
import dev.fima.api.FimaException;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import java.nio.file.Path;

/** Guice bindings of the data side: the pretraining data source and the video generator. */
public final class DatasetsModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(PretrainDataSource.class).to(PendingDataSource.class);
    bind(SyntheticVideoGenerator.class).to(PendingGenerator.class);
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
