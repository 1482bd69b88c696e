package dev.fima.examples;

import picocli.CommandLine.Option;

/** The backbone an evaluation example evaluates. */
public final class BackboneOption {

  /** Exported backbone folder, or {@code random:<name>} for the randomly initialised floor. */
  @Option(
      names = "--backbone",
      required = true,
      paramLabel = "DIR",
      description =
          "Exported backbone folder (a pretraining example writes <output>/backbone), or"
              + " random:<name> for the randomly initialised floor.")
  public String backbone;
}
