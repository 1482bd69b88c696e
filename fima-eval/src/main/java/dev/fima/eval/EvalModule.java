package dev.fima.eval;

import com.google.inject.AbstractModule;
import dev.fima.api.FimaException;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.jobs.ClipTester;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.FineTuner;
import dev.fima.api.jobs.LinearProbe;
import dev.fima.api.jobs.Retriever;
import dev.fima.eval.backbone.BackboneModule;
import dev.fima.eval.classify.MultiClipTestJob;
import dev.fima.eval.probe.LinearProbeJob;
import dev.fima.eval.retrieval.RetrievalJob;
import java.nio.file.Path;

/**
 * Guice bindings of downstream evaluation: the four jobs and the backbone provider. The supervised
 * data source comes from {@code DatasetsModule}.
 */
public final class EvalModule extends AbstractModule {

  @Override
  protected void configure() {
    install(new BackboneModule());
    bind(LinearProbe.class).to(LinearProbeJob.class);
    bind(FineTuner.class).to(Pending.class);
    bind(ClipTester.class).to(MultiClipTestJob.class);
    bind(Retriever.class).to(RetrievalJob.class);
  }

  /** Placeholder until evaluation lands (issue 6). */
  static final class Pending implements FineTuner {
    private static FimaException notYet(String what) {
      return new FimaException(what + " is not built yet (issue 6)");
    }

    @Override
    public EvalReport finetune(FinetuneConfig config, Path resumeFrom) {
      throw notYet("fine-tuning");
    }
  }
}
