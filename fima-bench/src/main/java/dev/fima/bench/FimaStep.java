package dev.fima.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DiffMode;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.FrameDifference;
import dev.fima.api.data.MotionInputs;
import dev.fima.api.data.ViewInputs;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.MotionOutputs;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.PretrainModels;
import java.util.ArrayList;
import java.util.List;

/**
 * One FIMA training step on fixed random inputs, for timing: momentum update, key passes, query
 * passes, decoder, a stand-in loss, backward and an SGD update (momentum 0.9, weight decay 1e-4).
 * The loss is a plain sum of query-key, class-token-local-key and dense prediction-target
 * similarities until the real losses land; it touches every output, so backward covers the whole
 * query side, but it skips the losses' own work (queue logits, dense geometry).
 *
 * <p>The inputs are made once; each step works on views of them attached to a sub-manager that is
 * closed at the end of the step, so every array the step creates is freed with it.
 */
public final class FimaStep implements AutoCloseable {

  private final NDManager manager;
  private final PretrainModel model;
  private final FimaInputs inputs;
  private final ParameterStore parameterStore;
  private final Optimizer optimizer;
  private final List<Pair<String, Parameter>> trained = new ArrayList<>();

  /**
   * Builds the model and random inputs of a configuration's clip size and batch size.
   *
   * @param config the run (backbone, clip, model, batch size)
   * @param device the device to run on
   */
  public FimaStep(PretrainConfig config, Device device) {
    manager = NDManager.newBaseManager(device);
    model = PretrainModels.create(config, manager);
    inputs = randomInputs(manager, config.clip(), config.batchSize());
    parameterStore = new ParameterStore(manager, false);
    optimizer =
        Optimizer.sgd()
            .setLearningRateTracker(Tracker.fixed(0.01f))
            .optMomentum(0.9f)
            .optWeightDecays(1e-4f)
            .build();
    for (Pair<String, Parameter> p : model.trainable().getParameters()) {
      if (p.getValue().requiresGradient()) {
        trained.add(p);
      }
    }
  }

  /**
   * Returns the number of trained parameter values.
   *
   * @return the count
   */
  public long trainedValues() {
    long n = 0;
    for (Pair<String, Parameter> p : trained) {
      n += p.getValue().getArray().size();
    }
    return n;
  }

  /**
   * Returns how many arrays the model's manager holds, to check that steps leave nothing behind.
   *
   * @return the number of arrays of the long-lived manager
   */
  public int residentArrays() {
    return manager.getManagedArrays().size();
  }

  /**
   * Returns the first trained parameter's values as text, to see that steps change them.
   *
   * @return the values
   */
  public String firstWeights() {
    return java.util.Arrays.toString(trained.get(0).getValue().getArray().toFloatArray());
  }

  /** Runs one step and waits for it to finish. */
  public void run() {
    try (NDManager step = manager.newSubManager()) {
      FimaInputs in = viewsIn(step);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        FimaOutputs out = model.forward(parameterStore, in, true);
        collector.backward(standInLoss(out));
      }
      for (Pair<String, Parameter> p : trained) {
        NDArray weight = p.getValue().getArray();
        try (NDArray grad = weight.getGradient()) {
          optimizer.update(p.getValue().getId(), weight, grad);
          grad.muli(0);
        }
      }
      // Reading one value waits for every queued kernel (asynchronous devices).
      NDArray first = trained.get(0).getValue().getArray();
      first.getFloat(new long[first.getShape().dimension()]);
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  private FimaInputs viewsIn(NDManager step) {
    return new FimaInputs(viewIn(inputs.m(), step), viewIn(inputs.n(), step));
  }

  private static ViewInputs viewIn(ViewInputs v, NDManager step) {
    MotionInputs motion = v.motion().orElseThrow();
    return new ViewInputs(
        view(v.rgb(), step),
        view(v.crop(), step),
        new MotionInputs(
            view(motion.diff(), step),
            motion.localDiffs().stream().map(a -> view(a, step)).toList(),
            null));
  }

  /** A new handle on the same data, owned by the step, so that results land in the step. */
  private static NDArray view(NDArray a, NDManager step) {
    NDArray v = a.reshape(a.getShape());
    v.attach(step);
    return v;
  }

  private static FimaInputs randomInputs(NDManager m, ClipConfig clip, int b) {
    Shape global = new Shape(b, 3, clip.frames(), clip.crop(), clip.crop());
    Shape local = new Shape(b, 3, clip.localClipFrames(), clip.crop(), clip.crop());
    NDArray rgbM = m.randomUniform(0, 1, global);
    NDArray rgbN = m.randomUniform(0, 1, global);
    List<NDArray> localsM = new ArrayList<>();
    List<NDArray> localsN = new ArrayList<>();
    for (int i = 0; i < clip.localClips(); i++) {
      localsM.add(FrameDifference.compute(m.randomUniform(0, 1, local), DiffMode.WRAP));
      localsN.add(FrameDifference.compute(m.randomUniform(0, 1, local), DiffMode.WRAP));
    }
    NDArray coords = m.create(new float[] {0, 0, 1, 1}).reshape(1, 4).repeat(0, b);
    return new FimaInputs(
        new ViewInputs(
            rgbM,
            coords,
            new MotionInputs(FrameDifference.compute(rgbM, DiffMode.WRAP), localsM, null)),
        new ViewInputs(
            rgbN,
            coords,
            new MotionInputs(FrameDifference.compute(rgbN, DiffMode.WRAP), localsN, null)));
  }

  private static NDArray standInLoss(FimaOutputs out) {
    NDArray loss =
        out.m().query().mul(out.n().key()).sum().add(out.n().query().mul(out.m().key()).sum());
    if (!out.hasMotion()) {
      return loss.mul(-1);
    }
    MotionOutputs n = out.n().requireMotion();
    MotionOutputs m = out.m().requireMotion();
    for (int t = 0; t < n.slices(); t++) {
      loss = loss.add(n.clsPredictions().get(t).mul(n.localKeys().get(t)).sum());
      loss = loss.add(m.clsPredictions().get(t).mul(m.localKeys().get(t)).sum());
      loss = loss.add(n.densePredictions().get(t).mul(n.denseTargets().get(t)).sum());
      loss = loss.add(m.densePredictions().get(t).mul(m.denseTargets().get(t)).sum());
    }
    return loss.mul(-1);
  }
}
