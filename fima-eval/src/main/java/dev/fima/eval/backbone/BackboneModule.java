package dev.fima.eval.backbone;

import com.google.inject.AbstractModule;

/** Binds the {@link BackboneProvider} evaluation uses; tests override it with a tiny backbone. */
public final class BackboneModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(BackboneProvider.class).to(RegistryBackboneProvider.class);
  }
}
