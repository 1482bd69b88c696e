package dev.fima.djl;

import com.google.inject.AbstractModule;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.api.jobs.Pretrainer;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.model.PretrainModels;
import dev.fima.djl.parallel.DataParallel;
import dev.fima.djl.pretrain.CheckpointBackboneExporter;
import dev.fima.djl.pretrain.FimaPretrainer;
import dev.fima.djl.pretrain.PretrainModelFactory;
import dev.fima.djl.pretrain.QueryBackboneWriter;
import dev.fima.djl.train.AtomicFiles;
import dev.fima.djl.train.CheckpointStore;

/**
 * Guice bindings of the model side: pretraining, backbone export, and the seams between them and
 * the model registry and the exported-backbone format (tests override these with tiny models).
 */
public final class DjlModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(Pretrainer.class).to(FimaPretrainer.class);
    bind(BackboneExporter.class).to(CheckpointBackboneExporter.class);
    bind(PretrainModelFactory.class).toInstance(PretrainModels::create);
    bind(QueryBackboneWriter.class).toInstance(Backbones::save);
    bind(CheckpointStore.FolderWrites.class).toInstance(AtomicFiles::writeFolder);
    bind(DataParallel.Joiner.class).toInstance(DataParallel::fromEnvironment);
  }
}
