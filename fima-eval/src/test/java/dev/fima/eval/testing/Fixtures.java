package dev.fima.eval.testing;

import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.config.DeviceConfig;
import dev.fima.api.config.RunConfig;
import java.nio.file.Path;

/** Small configurations for the jobs' tests. */
public final class Fixtures {

  private Fixtures() {}

  /** Four 16x16 frames at stride 1: the smallest clip the configuration allows. */
  public static final ClipConfig CLIP = new ClipConfig(4, 1, 16, 1);

  /**
   * Returns a dataset configuration pointing at a folder (the fakes ignore it).
   *
   * @param root the folder
   * @return the configuration
   */
  public static DataConfig data(Path root) {
    return new DataConfig(DatasetKind.FOLDER, root.toString(), 1, 0, 1, 0, false);
  }

  /**
   * Returns a CPU run writing to a folder.
   *
   * @param output the folder
   * @param seed the seed
   * @return the configuration
   */
  public static RunConfig run(Path output, long seed) {
    return new RunConfig(seed, DeviceConfig.defaults(), output.toString(), 0);
  }
}
