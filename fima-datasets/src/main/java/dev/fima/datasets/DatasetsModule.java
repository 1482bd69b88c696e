package dev.fima.datasets;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.multibindings.MapBinder;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.jobs.DatasetPreparer;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import dev.fima.datasets.prepare.VideoDatasetPreparer;
import dev.fima.datasets.readers.DatasetReader;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.synth.MotionVideoGenerator;
import java.util.Map;

/**
 * Guice bindings of the data side: pretraining and supervised data sources over the reader that
 * {@code data.dataset} names, the generator, the dataset preparation. The readers are the built-in
 * ones, each replaced by any {@link DatasetReader} a module binds for its {@link DatasetKind}
 * through {@link #readers}:
 *
 * <pre>{@code
 * DatasetsModule.readers(binder()).addBinding(DatasetKind.FOLDER).toInstance(MyLayout::builder);
 * }</pre>
 */
public final class DatasetsModule extends AbstractModule {

  /**
   * Returns the map binder through which a module replaces the reader of a dataset kind.
   *
   * @param binder the module's binder
   * @return the map binder of readers by kind
   */
  public static MapBinder<DatasetKind, DatasetReader> readers(Binder binder) {
    return MapBinder.newMapBinder(binder, DatasetKind.class, DatasetReader.class);
  }

  @Override
  protected void configure() {
    // Declared empty so that the map exists when no module replaces a reader.
    readers(binder());
    bind(PretrainDataSource.class).to(VideoPretrainDataSource.class);
    bind(SupervisedDataSource.class).to(VideoSupervisedDataSource.class);
    bind(SyntheticVideoGenerator.class).to(MotionVideoGenerator.class);
    bind(DatasetPreparer.class).to(VideoDatasetPreparer.class);
  }

  /**
   * Chooses the reader of each {@code data.dataset}: the built-in one unless a module bound
   * another.
   *
   * @param replacements the readers modules bound, by kind
   * @return the readers the data sources open
   */
  @Provides
  Readers readersByKind(Map<DatasetKind, DatasetReader> replacements) {
    return Readers.builtInReplacing(replacements);
  }
}
