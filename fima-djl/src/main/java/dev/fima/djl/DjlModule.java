package dev.fima.djl;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.multibindings.MapBinder;
import dev.fima.api.config.Method;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.api.jobs.Pretrainer;
import dev.fima.djl.model.PretrainModelFactory;
import dev.fima.djl.model.PretrainModels;
import dev.fima.djl.parallel.DataParallel;
import dev.fima.djl.pretrain.CheckpointBackboneExporter;
import dev.fima.djl.pretrain.FimaPretrainer;
import dev.fima.djl.train.CheckpointStore;
import java.util.EnumMap;
import java.util.Map;

/**
 * Guice bindings of the model side: pretraining and backbone export over the model that {@code
 * model.method} names, and the writer of checkpoint folders (tests replace it with one whose disk
 * fills up). The models are the built-in ones, each replaced by any {@link PretrainModelFactory} a
 * module binds for its {@link Method} through {@link #models}.
 */
public final class DjlModule extends AbstractModule {

  /**
   * Returns the map binder through which a module replaces the model of a method.
   *
   * @param binder the module's binder
   * @return the map binder of models by method
   */
  public static MapBinder<Method, PretrainModelFactory> models(Binder binder) {
    return MapBinder.newMapBinder(binder, Method.class, PretrainModelFactory.class);
  }

  @Override
  protected void configure() {
    // Declared empty so that the map exists when no module replaces a model.
    models(binder());
    bind(Pretrainer.class).to(FimaPretrainer.class);
    bind(BackboneExporter.class).to(CheckpointBackboneExporter.class);
    bind(CheckpointStore.FolderWrites.class).toInstance(AtomicFiles::writeFolder);
    bind(DataParallel.Joiner.class).toInstance(DataParallel::fromEnvironment);
  }

  /**
   * Builds each run's model from the one its configuration's {@code model.method} names: the
   * built-in one unless a module bound another.
   *
   * @param replacements the models modules bound, by method
   * @return the factory the pretraining loop and the export use
   */
  @Provides
  PretrainModelFactory modelOfTheMethod(Map<Method, PretrainModelFactory> replacements) {
    Map<Method, PretrainModelFactory> models = new EnumMap<>(PretrainModels.builtIn());
    models.putAll(replacements);
    return PretrainModels.byMethod(models);
  }
}
