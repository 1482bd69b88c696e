package dev.fima.eval.backbone;

import dev.fima.api.ConfigException;
import dev.fima.api.config.BackboneConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The parsed form of the {@code backbone} field of the evaluation configurations, the one place
 * where that string is interpreted.
 *
 * <ul>
 *   <li>{@code <folder>}: a backbone written by {@code fima export} (or by fine-tuning);
 *   <li>{@code random:<name>}: a randomly initialised registry backbone, the floor every pretrained
 *       number should be compared with; optional {@code ?width=<w>&blocks=<b1>,<b2>,...&
 *       temporalStride=<t>} select a variant, e.g. {@code random:r3d-18?width=0.25&blocks=1,1,1,1}
 *       (the fields of {@code BackboneConfig}).
 * </ul>
 *
 * @param text the spec as written
 * @param folder the exported backbone folder, or {@code null} for a random backbone
 * @param random the registry configuration of a random backbone, or {@code null} for a folder
 */
public record BackboneSpec(String text, Path folder, BackboneConfig random) {

  /** The prefix of random backbone specs. */
  public static final String RANDOM_PREFIX = "random:";

  /**
   * Parses a spec.
   *
   * @param field dotted path of the configuration field the spec came from, for error messages
   * @param text the spec
   * @return the parsed spec
   * @throws ConfigException naming {@code field} when the spec is missing or malformed, or the
   *     folder does not exist
   */
  public static BackboneSpec parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(
          field, "is required: an exported backbone folder, or random:<name> for the random floor");
    }
    if (!text.startsWith(RANDOM_PREFIX)) {
      Path folder = Path.of(text);
      if (!Files.isDirectory(folder)) {
        throw new ConfigException(
            field,
            "no exported backbone folder at "
                + folder.toAbsolutePath()
                + " (write one with fima export, or use random:<name>)");
      }
      return new BackboneSpec(text, folder, null);
    }
    String rest = text.substring(RANDOM_PREFIX.length());
    int q = rest.indexOf('?');
    String name = q < 0 ? rest : rest.substring(0, q);
    if (name.isBlank()) {
      throw new ConfigException(field, "random: needs a registry name, e.g. random:r3d-18");
    }
    double width = 1.0;
    List<Integer> blocks = List.of();
    int temporalStride = 0;
    if (q >= 0) {
      for (String option : rest.substring(q + 1).split("&")) {
        int eq = option.indexOf('=');
        String key = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? "" : option.substring(eq + 1);
        try {
          switch (key) {
            case "width" -> width = Double.parseDouble(value);
            case "blocks" -> blocks = parseBlocks(value);
            case "temporalStride" -> temporalStride = Integer.parseInt(value);
            default ->
                throw new ConfigException(
                    field,
                    "unknown option '"
                        + key
                        + "' in '"
                        + text
                        + "' (width, blocks, temporalStride)");
          }
        } catch (NumberFormatException e) {
          throw new ConfigException(field, "option '" + option + "' is not a number in " + text);
        }
      }
    }
    BackboneConfig config;
    try {
      config = new BackboneConfig(name, width, blocks, temporalStride);
    } catch (ConfigException e) {
      throw e.under(field);
    }
    return new BackboneSpec(text, null, config);
  }

  /**
   * Writes the spec of a randomly initialised registry backbone, the form {@link #parse} reads back
   * into the same configuration (options left out at their defaults).
   *
   * @param backbone the variant
   * @return {@code random:<name>?width=<w>[&blocks=..][&temporalStride=..]}
   */
  public static String randomText(BackboneConfig backbone) {
    StringBuilder spec = new StringBuilder(RANDOM_PREFIX).append(backbone.name());
    spec.append("?width=").append(backbone.width());
    if (!backbone.blocks().isEmpty()) {
      spec.append("&blocks=")
          .append(backbone.blocks().stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    if (backbone.temporalStride() != 0) {
      spec.append("&temporalStride=").append(backbone.temporalStride());
    }
    return spec.toString();
  }

  private static List<Integer> parseBlocks(String value) {
    List<Integer> list = new ArrayList<>();
    for (String b : value.split(",")) {
      list.add(Integer.parseInt(b.trim()));
    }
    return list;
  }

  /**
   * Returns whether this is a randomly initialised registry backbone.
   *
   * @return true for {@code random:...}
   */
  public boolean isRandom() {
    return random != null;
  }
}
