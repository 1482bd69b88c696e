package dev.fima.djl;

import com.google.inject.AbstractModule;
import dev.fima.api.FimaException;
import dev.fima.api.config.ExportConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.Pretrainer;
import java.nio.file.Path;

/** Guice bindings of the model side: pretraining and backbone export. */
public final class DjlModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(Pretrainer.class).to(PendingPretrainer.class);
    bind(BackboneExporter.class).to(PendingExporter.class);
  }

  /** Placeholder until the pretraining loop lands (issue 5). */
  static final class PendingPretrainer implements Pretrainer {
    @Override
    public PretrainResult pretrain(PretrainConfig config, Path resumeFrom) {
      throw new FimaException("pretraining is not built yet (issue 5)");
    }
  }

  /** Placeholder until export lands (issue 5). */
  static final class PendingExporter implements BackboneExporter {
    @Override
    public Path export(ExportConfig config) {
      throw new FimaException("backbone export is not built yet (issue 5)");
    }
  }
}
