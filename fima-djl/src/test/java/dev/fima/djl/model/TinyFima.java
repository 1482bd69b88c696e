package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DiffMode;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.FrameDifference;
import dev.fima.api.data.MotionInputs;
import dev.fima.api.data.ViewInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Miniature configurations and inputs for model tests: r3d-tiny, 8 frames of 32 pixels. */
final class TinyFima {

  static final int FRAMES = 8;
  static final int CROP = 32;
  static final int SLICES = 2;
  static final int GRID = 4;
  static final int EMBEDDING = 16;

  private TinyFima() {}

  /** A small FIMA run: r3d-tiny gives T' = 2 slices of a 4x4 grid at 8 frames and 32 pixels. */
  static PretrainConfig config(String... overrides) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "backbone.name=r3d-tiny",
                "clip.frames=" + FRAMES,
                "clip.stride=2",
                "clip.crop=" + CROP,
                "clip.localClips=" + SLICES,
                "model.projectionHidden=32",
                "model.embedding=" + EMBEDDING,
                "model.decoderDim=32",
                "model.decoderHeads=4",
                "model.decoderFeedForward=32",
                "model.queueSize=64",
                "batchSize=2"));
    all.addAll(List.of(overrides));
    return Configs.load(PretrainConfig.defaults(), null, all);
  }

  /** Random inputs of batch size b, frame differences computed by the shared function. */
  static FimaInputs inputs(NDManager m, int b) {
    NDArray clipM = m.randomUniform(0, 1, new Shape(b, 3, FRAMES, CROP, CROP));
    NDArray clipN = m.randomUniform(0, 1, new Shape(b, 3, FRAMES, CROP, CROP));
    List<NDArray> localsM =
        Stream.generate(() -> diff(m.randomUniform(0, 1, new Shape(b, 3, FRAMES, CROP, CROP))))
            .limit(SLICES)
            .toList();
    List<NDArray> localsN =
        Stream.generate(() -> diff(m.randomUniform(0, 1, new Shape(b, 3, FRAMES, CROP, CROP))))
            .limit(SLICES)
            .toList();
    NDArray coords = m.create(new float[] {0, 0, 1, 1}).reshape(1, 4).repeat(0, b);
    NDArray motionM = m.randomUniform(0, 1, new Shape(b, CROP, CROP));
    NDArray motionN = m.randomUniform(0, 1, new Shape(b, CROP, CROP));
    return new FimaInputs(
        new ViewInputs(clipM, coords, new MotionInputs(diff(clipM), localsM, motionM)),
        new ViewInputs(clipN, coords, new MotionInputs(diff(clipN), localsN, motionN)));
  }

  private static NDArray diff(NDArray clip) {
    return FrameDifference.compute(clip, DiffMode.WRAP);
  }
}
