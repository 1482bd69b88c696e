package dev.fima.cli;

import dev.fima.api.DataException;
import dev.fima.api.config.ExportConfig;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.djl.backbone.BackboneArchive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fima export}: writes the pretrained backbone of a checkpoint for evaluation and reuse. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Export the pretrained query backbone of a checkpoint with a JSON descriptor.")
final class ExportCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "CHECKPOINT",
      description = "Pretraining checkpoint file or run folder (its newest checkpoint).")
  Path checkpoint;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "DIR",
      description = "Folder to write the backbone into.")
  Path output;

  @Option(
      names = "--force",
      description = "Replace the backbone already exported into DIR (the folder is swapped whole).")
  boolean force;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!force && BackboneArchive.holdsBackbone(output)) {
      throw new DataException(
          output,
          "already holds an exported backbone: choose another folder, or add --force to replace"
              + " it");
    }
    ExportConfig config = new ExportConfig(checkpoint.toString(), output.toString());
    Path written = JobCommand.injector(spec).getInstance(BackboneExporter.class).export(config);
    out.println("backbone exported to " + written.toAbsolutePath());
    out.flush();
    return 0;
  }
}
