package dev.fima.djl.pretrain;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.fima.api.data.FimaInputs;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a batch of model inputs along the batch axis, one contiguous share per device, as DJL's
 * {@code Batchifier.split} does for a {@code Batch}: shares differ by at most one sample, the first
 * ones larger, and concatenating them in device order gives the batch back.
 */
final class InputShards {

  private InputShards() {}

  /**
   * Returns the share sizes.
   *
   * @param batch samples in the batch
   * @param devices number of devices
   * @return the size of each device's share
   */
  static int[] sizes(int batch, int devices) {
    int[] sizes = new int[devices];
    for (int i = 0; i < devices; i++) {
      sizes[i] = batch / devices + (i < batch % devices ? 1 : 0);
    }
    return sizes;
  }

  /**
   * Splits the inputs and moves each share to its device.
   *
   * @param inputs the whole batch
   * @param devices the devices, the first holding the batch
   * @return one input per device, in device order
   */
  static List<FimaInputs> split(FimaInputs inputs, Device[] devices) {
    if (devices.length == 1) {
      return List.of(inputs);
    }
    int[] sizes = sizes(inputs.size(), devices.length);
    List<FimaInputs> shards = new ArrayList<>();
    int from = 0;
    for (int d = 0; d < devices.length; d++) {
      int to = from + sizes[d];
      Device device = devices[d];
      int a = from;
      int b = to;
      shards.add(
          new FimaInputs(
              part(inputs.rgbM(), a, b, device),
              part(inputs.rgbN(), a, b, device),
              part(inputs.diffM(), a, b, device),
              part(inputs.diffN(), a, b, device),
              inputs.localDiffsM().stream().map(x -> part(x, a, b, device)).toList(),
              inputs.localDiffsN().stream().map(x -> part(x, a, b, device)).toList(),
              part(inputs.coordM(), a, b, device),
              part(inputs.coordN(), a, b, device),
              part(inputs.pixelMotionM(), a, b, device),
              part(inputs.pixelMotionN(), a, b, device)));
      from = to;
    }
    return shards;
  }

  private static NDArray part(NDArray x, int from, int to, Device device) {
    if (x == null) {
      return null;
    }
    return x.get(from + ":" + to).toDevice(device, false);
  }
}
