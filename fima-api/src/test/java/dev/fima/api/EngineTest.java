package dev.fima.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.fima.api.config.DeviceConfig;
import dev.fima.api.config.Devices;
import org.junit.jupiter.api.Test;

class EngineTest {

  @Test
  void engineStartsOfflineFromTheBundledLibtorch() {
    Engine engine = FimaRuntime.engine();
    assertEquals("true", System.getProperty(FimaRuntime.OFFLINE_PROPERTY));
    assertEquals("PyTorch", engine.getEngineName());
    assertEquals("2.7.1", engine.getVersion());
  }

  @Test
  void cpuIsTheDefaultDevice() {
    assertArrayEquals(new Device[] {Device.cpu()}, Devices.resolve(DeviceConfig.defaults()));
  }

  @Test
  void autoFallsBackToCpuWithoutGpus() {
    assumeTrue(FimaRuntime.engine().getGpuCount() == 0, "machine has GPUs");
    assertArrayEquals(new Device[] {Device.cpu()}, Devices.resolve(new DeviceConfig("auto", 2)));
  }

  @Test
  void gpuWithoutGpusIsAClearError() {
    assumeTrue(FimaRuntime.engine().getGpuCount() == 0, "machine has GPUs");
    ConfigException e =
        assertThrows(ConfigException.class, () -> Devices.resolve(new DeviceConfig("gpu", 1)));
    assertEquals("run.device.type", e.field());
    assertTrue(e.getMessage().contains("sees no GPU"), e.getMessage());
  }
}
