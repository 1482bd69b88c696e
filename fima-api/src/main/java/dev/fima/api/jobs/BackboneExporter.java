package dev.fima.api.jobs;

import dev.fima.api.config.ExportConfig;
import java.nio.file.Path;

/** Writes the pretrained query backbone of a checkpoint in the form evaluation loads. */
public interface BackboneExporter {

  /**
   * Exports a backbone.
   *
   * @param config checkpoint and output folder
   * @return the folder written (parameters and JSON descriptor)
   */
  Path export(ExportConfig config);
}
