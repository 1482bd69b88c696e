package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.ViewInputs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FimaPretrainModelTest {

  private static final int B = 2;

  @Test
  void outputsHaveTheShapesTheLossesExpect() {
    try (NDManager m = NDManager.newBaseManager()) {
      PretrainModel model = PretrainModels.create(TinyFima.config(), m);
      FimaOutputs out = model.forward(new ParameterStore(m, false), TinyFima.inputs(m, B), true);
      Shape vector = new Shape(B, TinyFima.EMBEDDING);
      Shape grid = new Shape(B, TinyFima.EMBEDDING, TinyFima.GRID, TinyFima.GRID);
      for (ViewOutputs view : out.nThenM()) {
        assertEquals(vector, view.query().getShape());
        assertEquals(vector, view.key().getShape());
        MotionOutputs motion = view.requireMotion();
        assertEquals(TinyFima.SLICES, motion.slices());
        for (int t = 0; t < TinyFima.SLICES; t++) {
          assertEquals(vector, motion.localKeys().get(t).getShape());
          assertEquals(vector, motion.clsPredictions().get(t).getShape());
          for (NDArray a :
              List.of(motion.densePredictions().get(t), motion.denseTargets().get(t))) {
            assertEquals(grid, a.getShape());
            // Unit length along the embedding axis at every cell.
            NDArray norms = a.norm(new int[] {1});
            assertEquals(0, norms.sub(1).abs().max().getFloat(), 1e-4);
          }
        }
        assertEquals(new Shape(B, TinyFima.GRID, TinyFima.GRID), motion.foreground().getShape());
      }
      assertTrue(out.hasMotion());
    }
  }

  @Test
  void gradientsReachEveryQueryParameterAndNoKeyParameter() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      FimaPretrainModel model = (FimaPretrainModel) PretrainModels.create(TinyFima.config(), m);
      FimaInputs inputs = TinyFima.inputs(m, B);
      FimaOutputs out;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        out = model.forward(new ParameterStore(m, false), inputs, true);
        collector.backward(standInLoss(out));
      }
      List<String> missing = new ArrayList<>();
      int trainableCount = 0;
      for (Pair<String, Parameter> p : model.trainable().getParameters()) {
        if (!p.getValue().requiresGradient()) {
          continue; // batch-norm running statistics
        }
        trainableCount++;
        NDArray grad = p.getValue().getArray().getGradient();
        if (grad.abs().sum().getFloat() == 0) {
          missing.add(p.getKey());
        }
      }
      assertTrue(missing.isEmpty(), "no gradient reached " + missing);
      // Backbone, head, embeddings, class token, decoder: the query side is all there.
      assertTrue(trainableCount > 50, "trainable parameters: " + trainableCount);
      assertTrue(
          model.trainable().getParameters().keys().stream()
              .anyMatch(k -> k.endsWith("classToken")));
      for (Pair<String, Parameter> p : model.encoder().key().getParameters()) {
        assertFalse(p.getValue().requiresGradient(), p.getKey());
        assertFalse(p.getValue().getArray().hasGradient(), p.getKey());
      }
      for (Pair<String, Parameter> p : model.encoder().keyHead().getParameters()) {
        assertFalse(p.getValue().getArray().hasGradient(), p.getKey());
      }
      // Key-side outputs carry no graph.
      List<NDArray> keySide =
          new ArrayList<>(
              List.of(out.m().key(), out.n().key(), out.m().requireMotion().foreground()));
      keySide.addAll(out.m().requireMotion().localKeys());
      keySide.addAll(out.n().requireMotion().denseTargets());
      for (NDArray a : keySide) {
        assertFalse(a.hasGradient());
      }
    }
  }

  @Test
  void withoutDecoderTheOwnProjectedMapPredicts() {
    try (NDManager m = NDManager.newBaseManager()) {
      FimaPretrainModel model =
          (FimaPretrainModel) PretrainModels.create(TinyFima.config("model.useDecoder=false"), m);
      FimaOutputs out = model.forward(new ParameterStore(m, false), TinyFima.inputs(m, B), false);
      assertEquals(
          new Shape(B, TinyFima.EMBEDDING, TinyFima.GRID, TinyFima.GRID),
          out.n().requireMotion().densePredictions().get(1).getShape());
      assertEquals(
          new Shape(B, TinyFima.EMBEDDING),
          out.m().requireMotion().clsPredictions().get(0).getShape());
      assertFalse(
          model.trainable().getParameters().keys().stream().anyMatch(k -> k.contains("predictor")));

      // Each view's motion is predicted on the other view's grid, from the other view's query
      // map: another RGB clip for n changes m's dense predictions, never n's.
      FimaInputs in = TinyFima.inputs(m, B);
      FimaInputs otherN =
          new FimaInputs(
              in.m(), new ViewInputs(in.n().rgb().add(0.5f), in.n().crop(), in.n().motion()));
      ParameterStore ps = new ParameterStore(m, false);
      MotionOutputs a = model.forward(ps, in, false).n().requireMotion();
      MotionOutputs b = model.forward(ps, otherN, false).n().requireMotion();
      MotionOutputs am = model.forward(ps, in, false).m().requireMotion();
      MotionOutputs bm = model.forward(ps, otherN, false).m().requireMotion();
      for (int t = 0; t < TinyFima.SLICES; t++) {
        assertArrayEquals(
            a.densePredictions().get(t).toFloatArray(), b.densePredictions().get(t).toFloatArray());
        assertFalse(
            java.util.Arrays.equals(
                am.densePredictions().get(t).toFloatArray(),
                bm.densePredictions().get(t).toFloatArray()));
      }
    }
  }

  @Test
  void foregroundModesGiveMasksOfTheGrid() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (String mode : List.of("none", "top_k_diff", "median")) {
        PretrainModel model = PretrainModels.create(TinyFima.config("model.foreground=" + mode), m);
        FimaOutputs out = model.forward(new ParameterStore(m, false), TinyFima.inputs(m, B), false);
        float cells = out.n().requireMotion().foreground().sum().getFloat();
        float expected =
            switch (mode) {
              case "none" -> B * 16;
              case "top_k_diff" -> B * 8;
              default -> -1;
            };
        if (expected >= 0) {
          assertEquals(expected, cells, mode);
        } else {
          // Strictly above the lower median of 16 distinct values: at most 8 cells per sample.
          assertTrue(cells <= B * 8 && cells > 0, mode + ": " + cells);
        }
      }
    }
  }

  @Test
  void mocoBaselineHasNoMotionOutputs() {
    try (NDManager m = NDManager.newBaseManager()) {
      PretrainModel model = PretrainModels.create(TinyFima.config("model.method=moco"), m);
      FimaOutputs out;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        out = model.forward(new ParameterStore(m, false), TinyFima.inputs(m, B), true);
        collector.backward(
            out.m().query().mul(out.n().key()).sum().add(out.n().query().mul(out.m().key()).sum()));
      }
      assertFalse(out.hasMotion());
      assertTrue(out.m().motion().isEmpty() && out.n().motion().isEmpty());
      assertEquals(new Shape(B, TinyFima.EMBEDDING), out.n().key().getShape());
      for (Pair<String, Parameter> p : model.trainable().getParameters()) {
        if (p.getValue().requiresGradient()) {
          assertTrue(p.getValue().getArray().getGradient().abs().sum().getFloat() > 0, p.getKey());
        }
      }
    }
  }

  /** A loss touching every output: alignment of predictions with targets and queries with keys. */
  private static NDArray standInLoss(FimaOutputs out) {
    NDArray loss =
        out.m().query().mul(out.n().key()).sum().add(out.n().query().mul(out.m().key()).sum());
    for (ViewOutputs view : out.nThenM()) {
      MotionOutputs motion = view.requireMotion();
      for (int t = 0; t < motion.slices(); t++) {
        loss = loss.add(motion.clsPredictions().get(t).mul(motion.localKeys().get(t)).sum());
        loss = loss.add(motion.densePredictions().get(t).mul(motion.denseTargets().get(t)).sum());
      }
    }
    return loss;
  }
}
