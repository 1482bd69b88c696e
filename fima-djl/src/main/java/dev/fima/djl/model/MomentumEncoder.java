package dev.fima.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.BackboneConfig;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.VideoBackbone;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A query encoder (backbone and projection head, trained) with its momentum copy (the key side, an
 * exponential moving average, never trained), shared by the FIMA and MoCo models.
 *
 * <p>The key side's parameters are frozen and its passes run with gradient recording off (a {@link
 * NoGradScope}), so they record no autograd graph even inside a gradient collector; they read the
 * parameters through a parameter store of their own, so that the momentum update (in place) is what
 * they see. With more than one device, each key input is shuffled over the devices ({@link
 * BatchShuffle}) and the key parameters are copied to the other devices once per pass, into that
 * pass's manager; on one device no shuffle happens, because it would change nothing. In a
 * data-parallel run the batch is also shuffled across the ranks ({@link KeyShuffle}).
 */
public final class MomentumEncoder {

  private final VideoBackbone query;
  private final VideoBackbone key;
  private final ProjectionHead queryHead;
  private final ProjectionHead keyHead;
  private final double momentum;
  private final Device[] devices;
  private final ParameterStore keyStore;
  private final SplittableRandom shuffleRandom;
  private KeyShuffle rankShuffle;

  /**
   * Builds and initialises both sides; the key side starts as an exact copy of the query side.
   *
   * @param backbone which backbone
   * @param frames clip length the model is initialised for
   * @param crop clip side
   * @param hidden projection hidden width
   * @param embedding projection output width
   * @param momentum EMA momentum m
   * @param manager manager that owns the parameters; its device is the primary device
   * @param devices devices the batch is spread over, the primary first
   * @param seed seed of the shuffle permutations
   */
  public MomentumEncoder(
      BackboneConfig backbone,
      int frames,
      int crop,
      int hidden,
      int embedding,
      double momentum,
      NDManager manager,
      Device[] devices,
      long seed) {
    if (devices.length == 0 || !devices[0].equals(manager.getDevice())) {
      throw new IllegalArgumentException(
          "the first device must be the parameters' device " + manager.getDevice());
    }
    this.momentum = momentum;
    this.devices = devices.clone();
    this.shuffleRandom = new SplittableRandom(seed);
    query = Backbones.create(backbone);
    key = Backbones.create(backbone);
    int channels = query.featureChannels();
    queryHead = new ProjectionHead(channels, hidden, embedding);
    keyHead = new ProjectionHead(channels, hidden, embedding);
    Shape clip = new Shape(1, 3, frames, crop, crop);
    for (VideoBackbone b : List.of(query, key)) {
      b.initialize(manager, DataType.FLOAT32, clip);
    }
    for (ProjectionHead h : List.of(queryHead, keyHead)) {
      h.initialize(manager, DataType.FLOAT32, new Shape(1, channels));
    }
    MomentumUpdate.copyAndFreeze(query, key);
    MomentumUpdate.copyAndFreeze(queryHead, keyHead);
    keyStore = new ParameterStore(manager, false);
  }

  /**
   * Returns the query backbone.
   *
   * @return the trained backbone
   */
  public VideoBackbone query() {
    return query;
  }

  /**
   * Returns the key backbone.
   *
   * @return the momentum backbone
   */
  public VideoBackbone key() {
    return key;
  }

  /**
   * Returns the query projection head, shared by every query-side embedding.
   *
   * @return the trained head
   */
  public ProjectionHead queryHead() {
    return queryHead;
  }

  /**
   * Returns the key projection head.
   *
   * @return the momentum head
   */
  public ProjectionHead keyHead() {
    return keyHead;
  }

  /**
   * Returns the devices the batch is spread over, the primary first.
   *
   * @return the devices
   */
  public Device[] devices() {
    return devices.clone();
  }

  /** Moves the key side towards the query side by one momentum step. */
  public void momentumStep() {
    MomentumUpdate.update(query, key, momentum);
    MomentumUpdate.update(queryHead, keyHead, momentum);
  }

  /**
   * Runs the key backbone, shuffling the batch over the devices when there are several.
   *
   * @param clips a batch on the primary device
   * @param training batch-norm mode (the reference keeps the key encoder in training mode)
   * @return {@code [map, pooled]} on the primary device, in the input's sample order
   */
  public NDList keyPass(NDArray clips, boolean training) {
    try (NoGradScope noGrad = NoGradScope.open()) {
      if (rankShuffle != null) {
        return scoped(clips, view -> rankShuffle.run(view, slice -> keyPassIn(slice, training)));
      }
      return scoped(clips, view -> keyPassIn(view, training));
    }
  }

  /**
   * Shuffles every key pass's batch across the ranks of a data-parallel run, when the key backbone
   * has batch norm (without it the shuffle would change nothing, and it is not used).
   *
   * @param shuffle the run's shuffle across ranks
   */
  public void shuffleAcrossRanks(KeyShuffle shuffle) {
    boolean batchNorm =
        key.getParameters().stream()
            .anyMatch(p -> p.getValue().getType() == ai.djl.nn.Parameter.Type.RUNNING_MEAN);
    this.rankShuffle = batchNorm ? shuffle : null;
  }

  private NDList keyPassIn(NDArray clips, boolean training) {
    if (devices.length == 1) {
      return key.forward(keyStore, new NDList(clips), training);
    }
    BatchShuffle.Permutation permutation =
        BatchShuffle.Permutation.random((int) clips.getShape().get(0), shuffleRandom);
    List<NDArray> parts = BatchShuffle.shuffleAndSplit(clips, permutation, devices);
    List<NDArray> maps = new ArrayList<>();
    List<NDArray> pooled = new ArrayList<>();
    for (int i = 0; i < devices.length; i++) {
      NDList out = key.forward(storeFor(clips.getManager(), i), new NDList(parts.get(i)), training);
      maps.add(out.get(0));
      pooled.add(out.get(1));
    }
    return new NDList(
        BatchShuffle.gatherAndRestore(maps, permutation, devices[0]),
        BatchShuffle.gatherAndRestore(pooled, permutation, devices[0]));
  }

  /**
   * Runs the query backbone, splitting the batch over the devices in order when there are several.
   *
   * @param parameterStore the training step's parameter store (its parameter server spans the
   *     devices when there are several)
   * @param clips a batch on the primary device
   * @param training batch-norm and dropout mode
   * @return {@code [map, pooled]} on the primary device
   */
  public NDList queryPass(ParameterStore parameterStore, NDArray clips, boolean training) {
    return scoped(clips, view -> queryPassIn(parameterStore, view, training));
  }

  private NDList queryPassIn(ParameterStore parameterStore, NDArray clips, boolean training) {
    if (devices.length == 1) {
      return query.forward(parameterStore, new NDList(clips), training);
    }
    List<NDArray> parts = BatchShuffle.split(clips, devices);
    List<NDArray> maps = new ArrayList<>();
    List<NDArray> pooled = new ArrayList<>();
    for (NDArray part : parts) {
      NDList out = query.forward(parameterStore, new NDList(part), training);
      maps.add(out.get(0));
      pooled.add(out.get(1));
    }
    return new NDList(
        BatchShuffle.gather(maps, devices[0]), BatchShuffle.gather(pooled, devices[0]));
  }

  /**
   * Runs a pass in a manager of its own and keeps only its outputs: the activations a pass makes
   * are freed when it ends instead of when the step ends (autograd keeps what backward needs by
   * itself), so a step's peak memory holds one pass's activations, not ten.
   */
  private static NDList scoped(NDArray clips, Function<NDArray, NDList> pass) {
    NDManager owner = clips.getManager();
    try (NDManager scope = owner.newSubManager()) {
      NDArray view = clips.reshape(clips.getShape());
      view.attach(scope);
      NDList out = pass.apply(view);
      out.attach(owner);
      return out;
    }
  }

  /**
   * Embeds pooled key features: key head, then L2 normalisation.
   *
   * @param pooled {@code [..., C]}
   * @param training mode
   * @return unit embeddings {@code [..., E]}
   */
  public NDArray keyEmbed(NDArray pooled, boolean training) {
    try (NoGradScope noGrad = NoGradScope.open()) {
      return keyHead.embed(keyStore, pooled, training);
    }
  }

  /** Key parameters on device i: the primary's own arrays, or fresh copies for this pass. */
  private ParameterStore storeFor(NDManager stepManager, int device) {
    if (device == 0) {
      return keyStore;
    }
    // A fresh store copies the (just updated) key parameters; the copies die with the step.
    return new ParameterStore(stepManager.newSubManager(devices[device]), false);
  }
}
