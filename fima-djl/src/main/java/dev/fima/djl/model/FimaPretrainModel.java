package dev.fima.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.ModelConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.MotionInputs;
import dev.fima.api.data.ViewInputs;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.djl.nd.StepPhases;
import java.util.ArrayList;
import java.util.List;

/**
 * The FIMA model (section 3 of the method notes): a query encoder and its momentum copy, the
 * projection heads, and the motion predictor. {@link #forward} runs section 3.5 for one batch.
 *
 * <p>Per view v in (m, n) the key side encodes the RGB clip (global key and map), the global
 * frame-difference clip (dense motion targets, one per temporal slice) and each local
 * frame-difference clip (local motion keys), and derives the foreground mask; the query side
 * encodes the RGB clip. The predictor then lets each view's tokens attend to the other view's,
 * slice by slice, and the shared query head embeds its outputs. With {@code useDecoder} off, a
 * view's own projected query map stands in for the dense prediction of the other view's motion on
 * its grid, and the other view's slice-pooled query features for the class token.
 *
 * <pre>{@code
 * PretrainModel model = PretrainModels.create(config, manager);
 * FimaOutputs out = model.forward(parameterStore, inputs, true);
 * }</pre>
 */
public final class FimaPretrainModel implements PretrainModel {

  /** The reference's share of grid cells the top-k motion mask keeps. */
  private static final double TOP_K_RATIO = 0.5;

  private final ModelConfig config;
  private final int slices;
  private final MomentumEncoder encoder;
  private final MotionPredictor predictor;
  private final BlockGroup whole;
  private final BlockGroup trainable;

  /**
   * Builds and initialises the model for clips of the configured size. Use {@link
   * PretrainModels#create}, which validates the configuration first.
   *
   * @param config the run configuration (clip, backbone, model)
   * @param manager manager that owns the parameters; its device is the primary device
   * @param devices devices the batch is spread over, the primary first
   */
  public FimaPretrainModel(PretrainConfig config, NDManager manager, Device... devices) {
    this.config = config.model();
    ModelConfig m = config.model();
    int frames = config.clip().frames();
    int crop = config.clip().crop();
    encoder =
        new MomentumEncoder(
            config.backbone(),
            frames,
            crop,
            m.projectionHidden(),
            m.embedding(),
            m.momentum(),
            manager,
            devices,
            config.run().seed());
    VideoBackbone backbone = encoder.query();
    Shape map = backbone.featureMapShape(frames, crop);
    slices = (int) map.get(2);
    predictor =
        new MotionPredictor(
            backbone.featureChannels(),
            m.decoderDim(),
            m.decoderLayers(),
            m.decoderHeads(),
            m.decoderFeedForward(),
            (float) m.decoderDropout(),
            m.positional());
    trainable =
        new BlockGroup()
            .add("queryBackbone", encoder.query())
            .add("queryHead", encoder.queryHead());
    if (m.useDecoder()) {
      predictor.initialize(manager, DataType.FLOAT32, map, map);
      trainable.add("predictor", predictor);
    }
    whole =
        new BlockGroup()
            .add("query", trainable)
            .add("keyBackbone", encoder.key())
            .add("keyHead", encoder.keyHead());
    Shape clip = new Shape(1, 3, frames, crop, crop);
    trainable.initialize(manager, DataType.FLOAT32, clip);
    whole.initialize(manager, DataType.FLOAT32, clip);
  }

  @Override
  public FimaOutputs forward(ParameterStore parameterStore, FimaInputs inputs, boolean training) {
    checkInputs(inputs);
    if (training) {
      StepPhases.run(StepPhases.MOMENTUM_UPDATE, encoder::momentumStep);
    }
    KeyView keyM = StepPhases.call(StepPhases.KEY_PASSES, () -> keyView(inputs.m(), training));
    KeyView keyN = StepPhases.call(StepPhases.KEY_PASSES, () -> keyView(inputs.n(), training));

    StepPhases.enter(StepPhases.QUERY_PASSES);
    NDList queryM = encoder.queryPass(parameterStore, inputs.m().rgb(), training);
    NDList queryN = encoder.queryPass(parameterStore, inputs.n().rgb(), training);
    ProjectionHead head = encoder.queryHead();
    NDArray qM = head.embed(parameterStore, queryM.get(1), training);
    NDArray qN = head.embed(parameterStore, queryN.get(1), training);
    StepPhases.exit(StepPhases.QUERY_PASSES);

    // Predictions of each view's motion: index 0 of n's (queries from m), index 1 of m's.
    Predictions ofN = new Predictions();
    Predictions ofM = new Predictions();
    StepPhases.enter(StepPhases.DECODER);
    if (config.useDecoder()) {
      NDArray predicted =
          predictor
              .forward(parameterStore, new NDList(queryM.get(0), queryN.get(0)), training)
              .singletonOrThrow();
      // [2, T', B, 1 + hw, E], unit length along E.
      NDArray embedded = head.embed(parameterStore, predicted, training);
      Shape map = queryM.get(0).getShape();
      long b = map.get(0);
      long h = map.get(3);
      long w = map.get(4);
      long e = embedded.getShape().get(4);
      NDArray cls = embedded.get(":, :, :, 0");
      NDArray dense =
          embedded.get(":, :, :, 1:").reshape(2, slices, b, h, w, e).transpose(0, 1, 2, 5, 3, 4);
      for (int t = 0; t < slices; t++) {
        ofN.cls.add(cls.get(0, t));
        ofM.cls.add(cls.get(1, t));
        ofN.dense.add(dense.get(0, t));
        ofM.dense.add(dense.get(1, t));
      }
    } else {
      // No decoder: m's own map predicts n's motion on m's grid; n's slices stand in for the cls.
      NDArray ownM = projectMap(parameterStore, queryM.get(0), training);
      NDArray ownN = projectMap(parameterStore, queryN.get(0), training);
      NDArray sliceM = projectSlices(parameterStore, queryM.get(0), training);
      NDArray sliceN = projectSlices(parameterStore, queryN.get(0), training);
      for (int t = 0; t < slices; t++) {
        ofN.dense.add(ownM.get(t));
        ofM.dense.add(ownN.get(t));
        ofN.cls.add(sliceN.get(t));
        ofM.cls.add(sliceM.get(t));
      }
    }
    StepPhases.exit(StepPhases.DECODER);
    return new FimaOutputs(
        keyM.outputs(qM, inputs.m().crop(), ofM), keyN.outputs(qN, inputs.n().crop(), ofN));
  }

  /** What the key side gives for one view. */
  private record KeyView(
      NDArray global, List<NDArray> locals, List<NDArray> dense, NDArray foreground) {

    /** Completes the view's outputs with its query and the predictions of its motion. */
    ViewOutputs outputs(NDArray query, NDArray crop, Predictions of) {
      return new ViewOutputs(
          query, global, crop, new MotionOutputs(locals, dense, foreground, of.cls, of.dense));
    }
  }

  /** The query side's predictions of one view's motion, per slice. */
  private static final class Predictions {
    final List<NDArray> cls = new ArrayList<>();
    final List<NDArray> dense = new ArrayList<>();
  }

  private KeyView keyView(ViewInputs view, boolean training) {
    MotionInputs motion = view.motion().orElseThrow();
    NDList rgbOut = encoder.keyPass(view.rgb(), training);
    NDArray global = encoder.keyEmbed(rgbOut.get(1), training);
    NDArray diffMap = encoder.keyPass(motion.diff(), training).get(0);
    // Channel-last so the head projects every cell: [B, T', h, w, E] -> [T', B, E, h, w].
    NDArray targets =
        encoder.keyEmbed(diffMap.transpose(0, 2, 3, 4, 1), training).transpose(1, 0, 4, 2, 3);
    List<NDArray> dense = new ArrayList<>(slices);
    List<NDArray> locals = new ArrayList<>(slices);
    for (int t = 0; t < slices; t++) {
      dense.add(targets.get(t));
      locals.add(
          encoder.keyEmbed(encoder.keyPass(motion.localDiffs().get(t), training).get(1), training));
    }
    Shape s = rgbOut.get(0).getShape();
    NDArray foreground =
        switch (config.foreground()) {
          case MEDIAN -> ForegroundSampler.median(rgbOut.get(0), diffMap);
          case TOP_K_DIFF -> {
            if (motion.pixelMotion() == null) {
              throw new IllegalArgumentException(
                  "foreground TOP_K_DIFF needs the views' MotionInputs.pixelMotion");
            }
            yield ForegroundSampler.topKMotion(
                motion.pixelMotion(), (int) s.get(3), (int) s.get(4), TOP_K_RATIO);
          }
          case NONE -> ForegroundSampler.all(view.rgb(), s.get(0), s.get(3), s.get(4));
        };
    return new KeyView(global, locals, dense, foreground);
  }

  /** Query map [B, C, T', h, w] to per-slice unit embeddings [T', B, E, h, w]. */
  private NDArray projectMap(ParameterStore ps, NDArray map, boolean training) {
    return encoder
        .queryHead()
        .embed(ps, map.transpose(0, 2, 3, 4, 1), training)
        .transpose(1, 0, 4, 2, 3);
  }

  /** Query map [B, C, T', h, w] to slice-pooled unit embeddings [T', B, E]. */
  private NDArray projectSlices(ParameterStore ps, NDArray map, boolean training) {
    Shape s = map.getShape();
    NDArray pooled = map.reshape(s.get(0), s.get(1), s.get(2), -1).mean(new int[] {3});
    return encoder.queryHead().embed(ps, pooled.transpose(2, 0, 1), training);
  }

  private void checkInputs(FimaInputs in) {
    if (!in.hasMotion()) {
      throw new IllegalArgumentException("FIMA needs the motion part of both views' inputs");
    }
    int localsM = in.m().motion().get().localDiffs().size();
    int localsN = in.n().motion().get().localDiffs().size();
    if (localsM != slices || localsN != slices) {
      throw new IllegalArgumentException(
          "FIMA needs one local frame-difference clip per temporal slice ("
              + slices
              + "), got "
              + localsM
              + " and "
              + localsN);
    }
  }

  @Override
  public void shuffleKeysAcrossRanks(KeyShuffle shuffle) {
    encoder.shuffleAcrossRanks(shuffle);
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
    return encoder.query();
  }

  /**
   * Returns the encoders, for tests and tools that need the key side.
   *
   * @return the query and momentum encoders
   */
  public MomentumEncoder encoder() {
    return encoder;
  }

  /**
   * Returns the motion predictor (present even when {@code useDecoder} is off, then unused).
   *
   * @return the predictor
   */
  public MotionPredictor predictor() {
    return predictor;
  }

  /**
   * Returns the number of temporal slices T' of the feature map, one per local clip.
   *
   * @return T'
   */
  public int slices() {
    return slices;
  }
}
