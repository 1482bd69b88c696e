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
import dev.fima.api.io.NamedParameters;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.loss.LossTerms;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.train.BatchNormStatistics;
import dev.fima.djl.train.ClippingParameterServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimiser step: forward, loss, backward, update, enqueue.
 *
 * <p>The model spreads the batch over the devices itself (key inputs shuffled across devices, query
 * inputs split, feature maps gathered on the primary device), so the step runs one forward and one
 * loss on the primary device; the parameter server sums the gradients of every device's parameter
 * copy and updates them all, and the keys are enqueued once after the update. A fresh {@link
 * ParameterStore} per step re-copies the parameters (the key side included, after its momentum
 * update) to the other devices. Only the single-device path can be tested on a CPU.
 *
 * <p>A step whose loss is not finite runs no backward; one whose gradient norm is not finite is
 * discarded by the parameter server. Neither changes a weight or enqueues its keys, and both put
 * back the batch-norm running statistics their forward pass had updated; only the key encoder's
 * momentum update, which reads the unchanged query weights, remains.
 */
final class PretrainStep {

  private final PretrainModel model;
  private final FimaLoss loss;
  private final ClippingParameterServer server;
  private final Device[] devices;
  private final BatchNormStatistics statistics;

  PretrainStep(
      PretrainModel model, FimaLoss loss, ClippingParameterServer server, Device[] devices) {
    this.model = model;
    this.loss = loss;
    this.server = server;
    this.devices = devices.clone();
    this.statistics = BatchNormStatistics.of(model.block());
  }

  /**
   * What a step produced.
   *
   * @param values loss terms and statistics, plus {@code grad_norm}
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
    ParameterStore parameters = new ParameterStore(manager, false);
    parameters.setParameterServer(server, devices);
    FimaOutputs outputs;
    Map<String, Double> values;
    NDList statisticsBefore = statistics.capture(manager);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      outputs = model.forward(parameters, inputs, true);
      LossTerms terms = loss.compute(outputs);
      values = toHost(terms);
      if (!Double.isFinite(values.get(FimaLoss.TOTAL))) {
        values.put("grad_norm", Double.NaN);
        statistics.restore(statisticsBefore);
        return new Outcome(values, true);
      }
      collector.backward(terms.total());
    }
    parameters.updateAllParameters();
    double norm = server.finishStep();
    values.put("grad_norm", norm);
    if (!Double.isFinite(norm)) {
      statistics.restore(statisticsBefore);
      return new Outcome(values, true);
    }
    loss.enqueue(outputs);
    return new Outcome(values, false);
  }

  /**
   * Returns the parameters whose gradient was not finite in the last step discarded for it.
   *
   * @return stable parameter names (ids where a name is unknown), empty when no step was discarded
   *     for its gradient
   */
  List<String> nonFiniteParameters() {
    Map<String, String> names = new LinkedHashMap<>();
    NamedParameters.of(model.trainable()).forEach((name, p) -> names.put(p.getId(), name));
    return server.lastNonFiniteParameters().stream().map(id -> names.getOrDefault(id, id)).toList();
  }

  /** Reads every scalar of the step in one transfer. */
  private static Map<String, Double> toHost(LossTerms terms) {
    List<String> names = new ArrayList<>(terms.values().keySet());
    NDList scalars = new NDList();
    for (String name : names) {
      NDArray v = terms.values().get(name);
      scalars.add(v.stopGradient().toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false));
    }
    float[] flat = NDArrays.stack(scalars).toFloatArray();
    Map<String, Double> values = new LinkedHashMap<>();
    for (int n = 0; n < names.size(); n++) {
      values.put(names.get(n), (double) flat[n]);
    }
    return values;
  }
}
