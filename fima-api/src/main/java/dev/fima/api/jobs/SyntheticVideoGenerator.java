package dev.fima.api.jobs;

import dev.fima.api.config.SynthConfig;
import java.nio.file.Path;

/** Writes a motion-defined video dataset in the UCF101 layout. */
public interface SyntheticVideoGenerator {

  /**
   * Generates the dataset; the same configuration writes the same videos.
   *
   * @param config what to generate
   * @return the dataset root
   */
  Path generate(SynthConfig config);
}
