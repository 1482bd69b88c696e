package dev.fima.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.fima.api.config.PositionalEncoding;
import dev.fima.djl.backbone.AbstractFimaBlock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The query side's motion branch (section 3.4 of the method notes): it embeds the query feature
 * maps of both views to decoder tokens, adds a positional encoding per temporal slice, and lets
 * each view's tokens, led by a class token, attend to the other view's tokens of the same slice.
 *
 * <p>Input {@code [mapM, mapN]}, both {@code [B, C, T', h, w]}. Output {@code [2, T', B, 1 + h w,
 * C]} in the backbone's channel space: direction 0 has m's tokens as queries and n's as memory (so
 * it predicts n's motion at m's positions, and its class token n's local motion), direction 1 the
 * reverse. Token 0 is the class token, then the grid in raster order. All 2 T' decoder calls run as
 * one batch: the decoder has no batch statistics, so this is exactly the reference's four calls.
 *
 * <p>The class token starts at zero and carries no positional encoding, as in the reference. Any
 * T', h and w work.
 */
public final class MotionPredictor extends AbstractFimaBlock {

  private final int dim;
  private final PositionalEncoding positional;
  private final Linear embedIn;
  private final Parameter classToken;
  private final MotionDecoder decoder;
  private final Linear embedOut;
  private final Map<String, NDArray> encodings = new ConcurrentHashMap<>();

  /**
   * Creates the branch.
   *
   * @param channels backbone channels C
   * @param dim decoder token width D
   * @param layers decoder layers
   * @param heads attention heads
   * @param feedForward feed-forward hidden width
   * @param dropout decoder dropout
   * @param positional positional encoding of the grid tokens
   */
  public MotionPredictor(
      int channels,
      int dim,
      int layers,
      int heads,
      int feedForward,
      float dropout,
      PositionalEncoding positional) {
    if (dim % SinePositionalEncoding.requiredMultiple(positional) != 0) {
      throw new IllegalArgumentException(
          positional
              + " needs a token width divisible by "
              + SinePositionalEncoding.requiredMultiple(positional));
    }
    this.dim = dim;
    this.positional = positional;
    embedIn = addChildBlock("embedIn", TorchLinear.standard(channels, dim));
    classToken =
        addParameter(
            Parameter.builder()
                .setName("classToken")
                .setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ZEROS)
                .build());
    decoder = addChildBlock("decoder", new MotionDecoder(layers, dim, heads, feedForward, dropout));
    embedOut = addChildBlock("embedOut", TorchLinear.standard(dim, channels));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mapM = inputs.get(0);
    NDArray mapN = inputs.get(1);
    Shape s = mapM.getShape();
    long b = s.get(0);
    long channels = s.get(1);
    long slices = s.get(2);
    int h = (int) s.get(3);
    int w = (int) s.get(4);
    NDArray tokensM = tokens(ps, mapM, training);
    NDArray tokensN = tokens(ps, mapN, training);
    // Direction 0 predicts n on m's grid, direction 1 m on n's grid; stacked along the batch.
    NDArray queries = NDArrays.concat(new NDList(tokensM, tokensN), 0);
    NDArray memory = NDArrays.concat(new NDList(tokensN, tokensM), 0);
    long n = queries.getShape().get(0);
    NDArray token = ps.getValue(classToken, mapM.getDevice(), training).reshape(1, 1, dim);
    // The reshape belongs to the parameters' manager; move it to this step's, or it would pile up.
    token.attach(mapM.getManager());
    NDArray cls = token.broadcast(new Shape(n, 1, dim));
    NDArray decoded =
        decoder
            .forward(ps, new NDList(NDArrays.concat(new NDList(cls, queries), 1), memory), training)
            .singletonOrThrow();
    NDArray out = embedOut.forward(ps, new NDList(decoded), training).singletonOrThrow();
    return new NDList(out.reshape(2, slices, b, 1 + (long) h * w, channels));
  }

  /** [B, C, T', h, w] to position-encoded tokens [T' B, h w, D], slice-major like the batch. */
  private NDArray tokens(ParameterStore ps, NDArray map, boolean training) {
    Shape s = map.getShape();
    long b = s.get(0);
    long slices = s.get(2);
    int h = (int) s.get(3);
    int w = (int) s.get(4);
    NDArray channelLast = map.transpose(2, 0, 3, 4, 1).reshape(slices * b, (long) h * w, s.get(1));
    NDArray embedded = embedIn.forward(ps, new NDList(channelLast), training).singletonOrThrow();
    return embedded.add(encoding(map.getDevice(), h, w));
  }

  /** The [h w, D] table of a grid, made once per grid and device and kept with the parameters. */
  private NDArray encoding(Device device, int h, int w) {
    return encodings.computeIfAbsent(
        h + "x" + w + "@" + device,
        key -> {
          NDManager owner = classToken.getArray().getManager();
          NDArray table =
              owner.create(
                  SinePositionalEncoding.table(positional, h, w, dim),
                  new Shape((long) h * w, dim));
          return table.toDevice(device, false);
        });
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(2, s.get(2), s.get(0), 1 + s.get(3) * s.get(4), s.get(1))};
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    classToken.setShape(new Shape(1, 1, dim));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    long n = 2 * s.get(0) * s.get(2);
    long cells = s.get(3) * s.get(4);
    embedIn.initialize(manager, dataType, new Shape(n, cells, s.get(1)));
    Shape queries = new Shape(n, 1 + cells, dim);
    decoder.initialize(manager, dataType, queries, new Shape(n, cells, dim));
    embedOut.initialize(manager, dataType, queries);
  }
}
