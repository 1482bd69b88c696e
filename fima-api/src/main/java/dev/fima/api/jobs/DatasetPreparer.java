package dev.fima.api.jobs;

import ai.djl.util.Progress;
import dev.fima.api.config.PrepareConfig;

/**
 * Rescales and re-encodes a dataset into a new folder with the same layout ({@code fima prepare}).
 */
public interface DatasetPreparer {

  /**
   * Converts every video of {@code config.input()} that is not already converted in {@code
   * config.output()} and copies the other files (split lists, annotations).
   *
   * @param config folders and encoding
   * @param progress receives the progress over the videos, or {@code null}
   * @return what was converted, what was already there and what could not be converted
   */
  PrepareResult prepare(PrepareConfig config, Progress progress);
}
