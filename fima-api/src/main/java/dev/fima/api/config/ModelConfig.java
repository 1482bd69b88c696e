package dev.fima.api.config;

/**
 * The FIMA model around the backbone (section 3 of the method notes).
 *
 * @param method FIMA or the MoCo baseline
 * @param projectionHidden hidden width of the 1x1-conv projection head
 * @param embedding output width of the projection head (the contrastive feature size)
 * @param decoderDim token width of the motion decoder (d_model)
 * @param decoderLayers cross-attention layers of the motion decoder
 * @param decoderHeads attention heads
 * @param decoderFeedForward feed-forward width of each decoder layer
 * @param decoderDropout dropout inside the decoder
 * @param positional positional encoding of decoder tokens
 * @param useDecoder false compares the query view's dense features with the other view's motion
 *     targets directly (the "no decoder" ablation)
 * @param foreground which cells the dense loss counts
 * @param momentum EMA momentum of the key encoder
 * @param queueSize entries of the instance and motion queues (writes wrap, any batch works)
 * @param denseQueueSize entries of the dense queue; 0 disables it
 */
public record ModelConfig(
    Method method,
    int projectionHidden,
    int embedding,
    int decoderDim,
    int decoderLayers,
    int decoderHeads,
    int decoderFeedForward,
    double decoderDropout,
    PositionalEncoding positional,
    boolean useDecoder,
    ForegroundMode foreground,
    double momentum,
    int queueSize,
    int denseQueueSize) {

  /** Validates the ranges. */
  public ModelConfig {
    Check.present("method", method);
    Check.atLeast("projectionHidden", projectionHidden, 1);
    Check.atLeast("embedding", embedding, 1);
    Check.atLeast("decoderDim", decoderDim, 1);
    Check.atLeast("decoderLayers", decoderLayers, 1);
    Check.atLeast("decoderHeads", decoderHeads, 1);
    Check.that(
        decoderDim % decoderHeads == 0,
        "decoderHeads",
        "must divide decoderDim = " + decoderDim + ", got " + decoderHeads);
    Check.atLeast("decoderFeedForward", decoderFeedForward, 1);
    Check.range("decoderDropout", decoderDropout, 0, 0.99);
    Check.present("positional", positional);
    Check.present("foreground", foreground);
    Check.range("momentum", momentum, 0, 1);
    Check.atLeast("queueSize", queueSize, 1);
    Check.atLeast("denseQueueSize", denseQueueSize, 0);
  }

  /**
   * Returns the reference FIMA model with the UCF101 queue size (2240).
   *
   * @return the defaults
   */
  public static ModelConfig defaults() {
    return new ModelConfig(
        Method.FIMA,
        1024,
        128,
        512,
        2,
        4,
        512,
        0.1,
        PositionalEncoding.SINE_1D,
        true,
        ForegroundMode.MEDIAN,
        0.999,
        2240,
        0);
  }
}
