package dev.fima.datasets;

import com.google.inject.AbstractModule;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.jobs.DatasetPreparer;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import dev.fima.datasets.prepare.VideoDatasetPreparer;
import dev.fima.datasets.synth.MotionVideoGenerator;

/**
 * Guice bindings of the data side: pretraining and supervised data sources, the generator, the
 * dataset preparation.
 */
public final class DatasetsModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(PretrainDataSource.class).to(VideoPretrainDataSource.class);
    bind(SyntheticVideoGenerator.class).to(MotionVideoGenerator.class);
    bind(SupervisedDataSource.class).to(VideoSupervisedDataSource.class);
    bind(DatasetPreparer.class).to(VideoDatasetPreparer.class);
  }
}
