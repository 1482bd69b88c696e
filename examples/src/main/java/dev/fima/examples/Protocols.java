package dev.fima.examples;

import dev.fima.api.config.Configs;
import java.util.List;

/**
 * The benchmark protocol files. They live in {@code examples/configs/} (where the {@code ./fima
 * <job> -c} commands read them) and are packaged into the jar, so the examples find them wherever
 * they run.
 */
public final class Protocols {

  private Protocols() {}

  /**
   * Loads a job configuration: the job's defaults, then a protocol file, then overrides.
   *
   * @param defaults the job's complete defaults, such as {@code FinetuneConfig.defaults()}
   * @param file the protocol file name in {@code examples/configs/}, such as {@code
   *     ucf101-finetune.yaml}
   * @param overrides {@code field.path=value} strings, applied last
   * @param <C> the configuration record type
   * @return the validated configuration
   * @throws dev.fima.api.ConfigException naming the field when a value is wrong
   */
  public static <C> C load(C defaults, String file, List<String> overrides) {
    return Configs.loadResource(
        defaults, Protocols.class.getResource("configs/" + file), overrides);
  }
}
