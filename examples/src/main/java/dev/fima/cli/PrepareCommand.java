package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.ConsoleProgress;
import dev.fima.api.config.PrepareConfig;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.jobs.DatasetPreparer;
import dev.fima.api.jobs.PrepareResult;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fima prepare}: rescale and re-encode a dataset into a new folder, same layout. */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = {
      "Rescale and re-encode a dataset (--data) into a new folder (-o) with the same layout,"
          + " file names and split files, as the reference's users do before training: short"
          + " side 256 (or --short-side 128), a key frame every 16 frames so that random windows"
          + " decode fast, every decodable frame kept and checked. Resumable: a re-run with the"
          + " same settings skips the videos already converted.",
      "Videos that cannot be converted (unreadable, truncated) are listed in"
          + " <output>/.fima-prepare.json and on the console."
    })
final class PrepareCommand extends JobCommand<PrepareConfig> {

  @Option(
      names = "--short-side",
      paramLabel = "PX",
      description = "Short side of the written frames, e.g. 128 or 256 (shortSide).")
  Integer shortSide;

  @Override
  protected PrepareConfig defaults() {
    return PrepareConfig.defaults();
  }

  @Override
  protected List<String> commandOverrides() {
    List<String> list = new ArrayList<>();
    if (shortSide != null) {
      list.add("shortSide=" + shortSide);
    }
    return list;
  }

  @Override
  protected void run(PrepareConfig config, Injector injector) {
    PrepareResult result =
        injector.getInstance(DatasetPreparer.class).prepare(config, new ConsoleProgress());
    out()
        .printf(
            "prepared %s: %d videos converted, %d already converted by an earlier run,"
                + " %d other files copied%n",
            result.output(), result.converted(), result.alreadyDone(), result.copied());
    if (!result.failed().isEmpty()) {
      out().printf("%d videos could not be converted:%n", result.failed().size());
      for (QuarantineEntry e : result.failed()) {
        out().printf("  %s: %s%n", e.video(), e.reason());
      }
    }
    out().printf("report: %s%n", result.report());
    out().flush();
  }
}
