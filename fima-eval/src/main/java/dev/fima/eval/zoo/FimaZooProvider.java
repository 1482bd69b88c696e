package dev.fima.eval.zoo;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/** Registers {@link FimaModelZoo} with DJL ({@code META-INF/services}). */
public final class FimaZooProvider implements ZooProvider {

  /** Creates the provider; DJL instantiates it with {@link java.util.ServiceLoader}. */
  public FimaZooProvider() {}

  @Override
  public ModelZoo getModelZoo() {
    return new FimaModelZoo();
  }
}
