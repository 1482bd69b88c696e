package dev.fima.api.config;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.fima.api.ConfigException;
import java.util.Arrays;

/**
 * The one place where devices are chosen. Every job asks here and keeps each array on the device of
 * its block, so the same code runs on CPU and CUDA.
 */
public final class Devices {

  private Devices() {}

  /**
   * Resolves a device request against the engine.
   *
   * @param config the request: {@code cpu}, {@code gpu} (fails when the engine has none) or {@code
   *     auto}, and the maximum number of GPUs
   * @return the devices to use, at least one
   * @throws ConfigException when GPUs are requested and the engine has none
   */
  public static Device[] resolve(DeviceConfig config) {
    return switch (config.type()) {
      case "cpu" -> new Device[] {Device.cpu()};
      case "gpu" -> {
        Engine engine = Engine.getInstance();
        int available = engine.getGpuCount();
        if (available == 0) {
          throw new ConfigException(
              "run.device.type",
              "gpu requested but "
                  + engine.getEngineName()
                  + " "
                  + engine.getVersion()
                  + " sees no GPU (is the CPU libtorch on the classpath? build with -Dcuda; see"
                  + " README, GPUs)");
        }
        yield engine.getDevices(Math.min(config.count(), available));
      }
      case "auto" -> {
        Engine engine = Engine.getInstance();
        Device[] gpus = engine.getDevices(config.count());
        yield gpus.length == 0 ? new Device[] {Device.cpu()} : gpus;
      }
      default -> throw new ConfigException("run.device.type", "unknown type " + config.type());
    };
  }

  /**
   * Describes devices for logs and reports, e.g. {@code cpu()} or {@code gpu(0),gpu(1)}.
   *
   * @param devices the devices
   * @return a short description
   */
  public static String describe(Device[] devices) {
    return String.join(",", Arrays.stream(devices).map(Device::toString).toList());
  }
}
