package dev.fima.djl.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.api.config.BackboneConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.MotionInputs;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.MotionOutputs;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.ViewOutputs;
import dev.fima.djl.testing.TinyBackbone;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-only stand-in for the FIMA model: one strided 3-D convolution as the backbone (clips
 * {@code [B, 3, 4, 16, 16]} give maps {@code [B, C, 2, 4, 4]}), a linear projection, a linear
 * "decoder", and a momentum copy of the convolution and projection. It produces correctly shaped
 * {@link FimaOutputs} through the same steps as the real model (momentum update, key passes, query
 * passes), so the loop can be tested before the real model exists.
 */
final class TinyPretrainModel implements PretrainModel {

  static final int EMBEDDING = 16;
  static final int FRAMES = 4;
  static final int CROP = 16;

  private final TinyBackbone queryEncoder;
  private final Linear queryProjection;
  private final Linear predictor;
  private final Conv3d keyEncoder;
  private final Linear keyProjection;
  private final Holder whole;
  private final Holder trainable;
  private final double momentum;
  private final boolean motion;

  TinyPretrainModel(
      NDManager manager, int channels, double momentum, boolean motion, BackboneConfig backbone) {
    this.momentum = momentum;
    this.motion = motion;
    queryEncoder = new TinyBackbone(channels, backbone);
    keyEncoder = conv(channels);
    queryProjection = Linear.builder().setUnits(EMBEDDING).build();
    keyProjection = Linear.builder().setUnits(EMBEDDING).build();
    predictor = Linear.builder().setUnits(EMBEDDING).build();
    Shape clip = new Shape(1, 3, FRAMES, CROP, CROP);
    queryEncoder.initialize(manager, DataType.FLOAT32, clip);
    keyEncoder.initialize(manager, DataType.FLOAT32, clip);
    for (Linear l : List.of(queryProjection, keyProjection, predictor)) {
      l.initialize(manager, DataType.FLOAT32, new Shape(1, channels));
    }
    copy(queryEncoder, keyEncoder);
    copy(queryProjection, keyProjection);
    keyEncoder.freezeParameters(true);
    keyProjection.freezeParameters(true);
    whole = new Holder();
    whole.add("queryEncoder", queryEncoder);
    whole.add("queryProjection", queryProjection);
    whole.add("predictor", predictor);
    whole.add("keyEncoder", keyEncoder);
    whole.add("keyProjection", keyProjection);
    trainable = new Holder();
    trainable.add("queryEncoder", queryEncoder);
    trainable.add("queryProjection", queryProjection);
    trainable.add("predictor", predictor);
  }

  private static Conv3d conv(int channels) {
    return Conv3d.builder()
        .setKernelShape(new Shape(2, 4, 4))
        .optStride(new Shape(2, 4, 4))
        .setFilters(channels)
        .build();
  }

  private static void copy(Block from, Block to) {
    PairList<String, Parameter> a = from.getParameters();
    PairList<String, Parameter> b = to.getParameters();
    for (int i = 0; i < a.size(); i++) {
      b.get(i).getValue().getArray().set(new NDIndex(":"), a.get(i).getValue().getArray());
    }
  }

  private void momentumUpdate() {
    for (Block[] pair :
        new Block[][] {{queryEncoder, keyEncoder}, {queryProjection, keyProjection}}) {
      PairList<String, Parameter> q = pair[0].getParameters();
      PairList<String, Parameter> k = pair[1].getParameters();
      for (int i = 0; i < q.size(); i++) {
        NDArray key = k.get(i).getValue().getArray();
        NDArray query = q.get(i).getValue().getArray();
        // Detached: forward runs inside the gradient collector, and the key side must stay out
        // of autograd.
        try (NDArray detached = query.stopGradient();
            NDArray part = detached.mul((float) (1 - momentum))) {
          key.muli((float) momentum).addi(part);
        }
      }
    }
  }

  @Override
  public FimaOutputs forward(ParameterStore ps, FimaInputs in, boolean training) {
    momentumUpdate();
    NDArray keyM = embed(ps, keyEncoder, keyProjection, in.m().rgb(), training).stopGradient();
    NDArray keyN = embed(ps, keyEncoder, keyProjection, in.n().rgb(), training).stopGradient();
    NDArray mapM = queryEncoder.forward(ps, new NDList(in.m().rgb()), training).head();
    NDArray mapN = queryEncoder.forward(ps, new NDList(in.n().rgb()), training).head();
    NDArray queryM = project(ps, queryProjection, pool(mapM), training);
    NDArray queryN = project(ps, queryProjection, pool(mapN), training);
    if (!motion) {
      return new FimaOutputs(
          new ViewOutputs(queryM, keyM, in.m().crop()),
          new ViewOutputs(queryN, keyN, in.n().crop()));
    }
    MotionInputs motionM = in.m().motion().orElseThrow();
    MotionInputs motionN = in.n().motion().orElseThrow();
    List<NDArray> localM = new ArrayList<>();
    List<NDArray> localN = new ArrayList<>();
    for (NDArray clip : motionM.localDiffs()) {
      localM.add(embed(ps, keyEncoder, keyProjection, clip, training).stopGradient());
    }
    for (NDArray clip : motionN.localDiffs()) {
      localN.add(embed(ps, keyEncoder, keyProjection, clip, training).stopGradient());
    }
    NDArray diffMapM = keyEncoder.forward(ps, new NDList(motionM.diff()), training).head();
    NDArray diffMapN = keyEncoder.forward(ps, new NDList(motionN.diff()), training).head();
    List<NDArray> targetM = new ArrayList<>();
    List<NDArray> targetN = new ArrayList<>();
    List<NDArray> clsN = new ArrayList<>();
    List<NDArray> clsM = new ArrayList<>();
    List<NDArray> denseN = new ArrayList<>();
    List<NDArray> denseM = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      targetM.add(cells(ps, keyProjection, slice(diffMapM, t), training).stopGradient());
      targetN.add(cells(ps, keyProjection, slice(diffMapN, t), training).stopGradient());
      clsN.add(project(ps, predictor, pool(slice(mapM, t)), training));
      clsM.add(project(ps, predictor, pool(slice(mapN, t)), training));
      denseN.add(cells(ps, predictor, slice(mapM, t), training));
      denseM.add(cells(ps, predictor, slice(mapN, t), training));
    }
    long b = in.size();
    NDArray rgb = in.m().rgb();
    NDArray ones = rgb.getManager().ones(new Shape(b, 4, 4)).toDevice(rgb.getDevice(), false);
    return new FimaOutputs(
        new ViewOutputs(
            queryM, keyM, in.m().crop(), new MotionOutputs(localM, targetM, ones, clsM, denseM)),
        new ViewOutputs(
            queryN, keyN, in.n().crop(), new MotionOutputs(localN, targetN, ones, clsN, denseN)));
  }

  private static NDArray slice(NDArray map, int t) {
    return map.get(new NDIndex(":, :, " + t));
  }

  /** Mean over every axis after the channel axis. */
  private static NDArray pool(NDArray map) {
    long b = map.getShape().get(0);
    long c = map.getShape().get(1);
    return map.reshape(b, c, -1).mean(new int[] {2});
  }

  private static NDArray embed(
      ParameterStore ps, Block encoder, Linear projection, NDArray clip, boolean training) {
    NDArray map = encoder.forward(ps, new NDList(clip), training).head();
    return project(ps, projection, pool(map), training);
  }

  private static NDArray project(ParameterStore ps, Linear layer, NDArray x, boolean training) {
    return layer.forward(ps, new NDList(x), training).head().normalize(2, 1, 1e-6);
  }

  /** Applies a linear layer to every cell of {@code [B, C, h, w]}, giving {@code [B, E, h, w]}. */
  private static NDArray cells(ParameterStore ps, Linear layer, NDArray map, boolean training) {
    NDArray perCell = map.transpose(0, 2, 3, 1);
    NDArray out = layer.forward(ps, new NDList(perCell), training).head();
    return out.transpose(0, 3, 1, 2).normalize(2, 1, 1e-6);
  }

  @Override
  public Block block() {
    return whole;
  }

  @Override
  public Block trainable() {
    return trainable;
  }

  @Override
  public VideoBackbone queryBackbone() {
    return queryEncoder;
  }

  /** Holds child blocks so that their parameters have stable names; never run itself. */
  private static final class Holder extends AbstractBlock {
    void add(String name, Block child) {
      addChildBlock(name, child);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      throw new UnsupportedOperationException("a parameter holder is not run");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return inputShapes;
    }
  }
}
