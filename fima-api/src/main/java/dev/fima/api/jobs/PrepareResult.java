package dev.fima.api.jobs;

import dev.fima.api.data.QuarantineEntry;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@code fima prepare}.
 *
 * @param output the new dataset root
 * @param converted videos converted by this run
 * @param alreadyDone videos an earlier run had converted (left as they were)
 * @param copied other files copied (split lists, annotations)
 * @param failed source videos that could not be converted, with the reason; they are absent from
 *     the output
 * @param report the file that lists all of it
 */
public record PrepareResult(
    Path output,
    int converted,
    int alreadyDone,
    int copied,
    List<QuarantineEntry> failed,
    Path report) {

  /** Copies the list. */
  public PrepareResult {
    failed = List.copyOf(failed);
  }
}
