package dev.fima.djl;

import ai.djl.ndarray.NDManager;
import com.google.inject.AbstractModule;
import dev.fima.api.FimaException;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.api.jobs.Pretrainer;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.pretrain.CheckpointBackboneExporter;
import dev.fima.djl.pretrain.FimaPretrainer;
import dev.fima.djl.pretrain.PretrainModelFactory;
import dev.fima.djl.pretrain.QueryBackboneWriter;
import java.nio.file.Path;
import java.util.Map;

/** Guice bindings of the model side: pretraining and backbone export. */
public final class DjlModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(Pretrainer.class).to(FimaPretrainer.class);
    bind(BackboneExporter.class).to(CheckpointBackboneExporter.class);
    bind(PretrainModelFactory.class).to(PendingModels.class);
    bind(QueryBackboneWriter.class).to(PendingBackboneWriter.class);
  }

  /** Placeholder until the FIMA and MoCo models land (issue 4): bind PretrainModels.create. */
  static final class PendingModels implements PretrainModelFactory {
    @Override
    public PretrainModel create(PretrainConfig config, NDManager manager) {
      throw new FimaException("the FIMA and MoCo models are not built yet (issue 4)");
    }
  }

  /** Placeholder until the exported-backbone format lands (issue 4): bind Backbones.save. */
  static final class PendingBackboneWriter implements QueryBackboneWriter {
    @Override
    public void write(VideoBackbone backbone, Path dir, Map<String, Object> extras) {
      throw new FimaException("the exported-backbone format is not built yet (issue 4)");
    }
  }
}
