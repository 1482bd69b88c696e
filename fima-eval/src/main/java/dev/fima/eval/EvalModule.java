package dev.fima.eval;

import com.google.inject.AbstractModule;
import dev.fima.api.jobs.ClipTester;
import dev.fima.api.jobs.FineTuner;
import dev.fima.api.jobs.LinearProbe;
import dev.fima.api.jobs.Retriever;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.RegistryBackboneProvider;
import dev.fima.eval.classify.MultiClipTestJob;
import dev.fima.eval.finetune.FineTuneJob;
import dev.fima.eval.probe.LinearProbeJob;
import dev.fima.eval.retrieval.RetrievalJob;

/**
 * Guice bindings of downstream evaluation: the four jobs and the backbone provider (the registry
 * and the exported-backbone format). The supervised data source comes from {@code DatasetsModule}.
 */
public final class EvalModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(BackboneProvider.class).to(RegistryBackboneProvider.class);
    bind(LinearProbe.class).to(LinearProbeJob.class);
    bind(FineTuner.class).to(FineTuneJob.class);
    bind(ClipTester.class).to(MultiClipTestJob.class);
    bind(Retriever.class).to(RetrievalJob.class);
  }
}
