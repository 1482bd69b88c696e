package dev.fima.eval.finetune;

import com.google.inject.AbstractModule;

/** Binds the {@link TrainingTools} fine-tuning uses; tests override it. */
public final class TrainingToolsModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(TrainingTools.class).to(PendingTrainingTools.class);
  }
}
