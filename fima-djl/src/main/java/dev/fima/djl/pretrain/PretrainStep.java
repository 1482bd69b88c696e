package dev.fima.djl.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fima.api.data.FimaInputs;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.loss.LossTerms;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.train.ClippingParameterServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimiser step: forward, loss, backward, update, enqueue.
 *
 * <p>With several devices the batch is split ({@link InputShards}); each share runs its forward and
 * loss on its device against the same queues (read from the primary device), each share's loss is
 * weighted by its share of the batch and differentiated on its device, the parameter server sums
 * the device gradients and updates every copy, and the keys of all shares are enqueued once, in
 * device order, so the queues hold what one device would have written. A fresh {@link
 * ParameterStore} per step re-copies the parameters (key side included, after its momentum update)
 * to the other devices. The model's forward runs once per share: a {@link PretrainModel} used on
 * several devices must apply its momentum update only once per step (only the single-device path
 * can be tested on a CPU).
 *
 * <p>A step whose loss is not finite runs no backward and changes nothing; one whose gradient norm
 * is not finite is discarded by the parameter server. Neither enqueues its keys.
 */
final class PretrainStep {

  private final PretrainModel model;
  private final FimaLoss loss;
  private final ClippingParameterServer server;
  private final Device[] devices;

  PretrainStep(
      PretrainModel model, FimaLoss loss, ClippingParameterServer server, Device[] devices) {
    this.model = model;
    this.loss = loss;
    this.server = server;
    this.devices = devices.clone();
  }

  /**
   * What a step produced.
   *
   * @param values loss terms and statistics, averaged over devices by share, plus {@code grad_norm}
   * @param skipped whether nothing was updated
   */
  record Outcome(Map<String, Double> values, boolean skipped) {}

  /**
   * Runs the step.
   *
   * @param inputs the augmented batch, on the primary device
   * @param manager the step's manager, closed by the caller after the step
   * @return the values and whether the update happened
   */
  Outcome run(FimaInputs inputs, NDManager manager) {
    List<FimaInputs> shards = InputShards.split(inputs, devices);
    ParameterStore parameters = new ParameterStore(manager, false);
    parameters.setParameterServer(server, devices);
    int batch = inputs.size();
    List<FimaOutputs> outputs = new ArrayList<>();
    Map<String, Double> values;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      for (FimaInputs shard : shards) {
        outputs.add(model.forward(parameters, shard, true));
      }
      NDArray allKeysN = gatherKeysN(outputs);
      List<LossTerms> terms = new ArrayList<>();
      for (FimaOutputs o : outputs) {
        terms.add(loss.compute(o, allKeysN));
      }
      values = toHost(terms, shards, batch);
      if (!Double.isFinite(values.get(FimaLoss.TOTAL))) {
        values.put("grad_norm", Double.NaN);
        return new Outcome(values, true);
      }
      for (int i = 0; i < terms.size(); i++) {
        NDArray total = terms.get(i).total();
        if (shards.size() > 1) {
          // The share is an array of the step's manager: a number operand would be freed before
          // backward reads it (see ContrastMath.scalarLike).
          NDArray share =
              manager
                  .create((float) shards.get(i).size() / batch)
                  .toDevice(total.getDevice(), false);
          total = total.mul(share);
        }
        collector.backward(total);
      }
    }
    parameters.updateAllParameters();
    double norm = server.finishStep();
    values.put("grad_norm", norm);
    if (!Double.isFinite(norm)) {
      return new Outcome(values, true);
    }
    loss.enqueue(outputs);
    return new Outcome(values, false);
  }

  private NDArray gatherKeysN(List<FimaOutputs> outputs) {
    if (outputs.size() == 1) {
      return outputs.get(0).keyN();
    }
    NDList keys = new NDList();
    for (FimaOutputs o : outputs) {
      keys.add(o.keyN().stopGradient().toDevice(devices[0], false));
    }
    return NDArrays.concat(keys, 0);
  }

  /** Reads every scalar of every share in one transfer and averages the shares by size. */
  private static Map<String, Double> toHost(
      List<LossTerms> terms, List<FimaInputs> shards, int batch) {
    List<String> names = new ArrayList<>(terms.get(0).values().keySet());
    NDList scalars = new NDList();
    for (LossTerms t : terms) {
      for (String name : names) {
        NDArray v = t.values().get(name);
        scalars.add(v.stopGradient().toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false));
      }
    }
    float[] flat = NDArrays.stack(scalars).toFloatArray();
    Map<String, Double> values = new LinkedHashMap<>();
    for (int n = 0; n < names.size(); n++) {
      double sum = 0;
      for (int s = 0; s < terms.size(); s++) {
        double weight = (double) shards.get(s).size() / batch;
        sum += weight * flat[s * names.size() + n];
      }
      values.put(names.get(n), sum);
    }
    return values;
  }
}
