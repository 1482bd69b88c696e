package dev.fima.examples;

import dev.fima.api.ConfigException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The official split (UCF101, HMDB51: 1-3) an example runs, or all three. */
public final class SplitOption {

  /** {@code 1}, {@code 2}, {@code 3}, or {@code all} for the three in sequence with their mean. */
  @Option(
      names = "--split",
      paramLabel = "K",
      defaultValue = "1",
      description = "Official split: 1, 2, 3, or all (the three in turn, then their mean).")
  public String split;

  /**
   * Returns the splits to run.
   *
   * @return {@code [k]}, or {@code [1, 2, 3]} for {@code all}
   * @throws ConfigException naming {@code --split} for anything else
   */
  public List<Integer> splits() {
    return switch (split.trim().toLowerCase(Locale.ROOT)) {
      case "1" -> List.of(1);
      case "2" -> List.of(2);
      case "3" -> List.of(3);
      case "all" -> List.of(1, 2, 3);
      default -> throw new ConfigException("--split", "must be 1, 2, 3 or all, got " + split);
    };
  }
}
