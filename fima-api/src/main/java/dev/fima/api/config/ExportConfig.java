package dev.fima.api.config;

/**
 * Export of the pretrained query backbone from a pretraining checkpoint.
 *
 * @param checkpoint pretraining checkpoint file or run folder (its newest checkpoint is used)
 * @param output folder to write the backbone and its JSON descriptor into
 */
public record ExportConfig(String checkpoint, String output) {

  /** Validates that both paths are given. */
  public ExportConfig {
    Check.present("checkpoint", checkpoint);
    Check.present("output", output);
  }
}
