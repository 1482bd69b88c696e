package dev.fima.api.config;

/**
 * Which devices a job runs on.
 *
 * @param type {@code cpu}, {@code gpu}, or {@code auto} (GPUs when the engine has them, else CPU)
 * @param count how many GPUs at most; ignored for {@code cpu}
 */
public record DeviceConfig(String type, int count) {

  /** Validates the device type and count. */
  public DeviceConfig {
    Check.present("type", type);
    Check.that(
        type.equals("cpu") || type.equals("gpu") || type.equals("auto"),
        "type",
        "must be cpu, gpu or auto, got '" + type + "'");
    Check.atLeast("count", count, 1);
  }

  /**
   * Returns one CPU device.
   *
   * @return the defaults
   */
  public static DeviceConfig defaults() {
    return new DeviceConfig("cpu", 1);
  }
}
