package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.LocalNegatives;
import dev.fima.api.config.LossConfig;
import dev.fima.djl.model.FimaOutputs;
import dev.fima.djl.model.MotionOutputs;
import dev.fima.djl.model.ViewOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FimaLossTest {

  private static final int B = 2;
  private static final int D = 4;

  /** Random unit rows {@code [rows, D]}. */
  private static NDArray unit(NDManager m, Random random, long... shape) {
    double[] v = new double[(int) new Shape(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian();
    }
    NDArray a = m.create(v, new Shape(shape)).toType(DataType.FLOAT32, false);
    return a.div(a.norm(new int[] {1}, true));
  }

  private static List<NDArray> unitList(NDManager m, Random random, long... shape) {
    return List.of(unit(m, random, shape), unit(m, random, shape));
  }

  static FimaOutputs outputs(NDManager m, long seed) {
    Random random = new Random(seed);
    NDArray coordM = m.create(new float[] {0, 0, 1, 1, 0, 0, 1, 1}, new Shape(B, 4));
    NDArray coordN = m.create(new float[] {0, 0, 1, 1, 1, 0, 0, 1}, new Shape(B, 4));
    NDArray queryM = unit(m, random, B, D);
    NDArray queryN = unit(m, random, B, D);
    NDArray keyM = unit(m, random, B, D);
    NDArray keyN = unit(m, random, B, D);
    List<NDArray> localKeysM = unitList(m, random, B, D);
    List<NDArray> localKeysN = unitList(m, random, B, D);
    List<NDArray> clsPredN = unitList(m, random, B, D);
    List<NDArray> clsPredM = unitList(m, random, B, D);
    List<NDArray> densePredN = unitList(m, random, B, D, 2, 2);
    List<NDArray> densePredM = unitList(m, random, B, D, 2, 2);
    List<NDArray> denseTargetN = unitList(m, random, B, D, 2, 2);
    List<NDArray> denseTargetM = unitList(m, random, B, D, 2, 2);
    return new FimaOutputs(
        new ViewOutputs(
            queryM,
            keyM,
            coordM,
            new MotionOutputs(
                localKeysM, denseTargetM, m.ones(new Shape(B, 2, 2)), clsPredM, densePredM)),
        new ViewOutputs(
            queryN,
            keyN,
            coordN,
            new MotionOutputs(
                localKeysN, denseTargetN, m.ones(new Shape(B, 2, 2)), clsPredN, densePredN)));
  }

  private static LossConfig config(double inst, double local, double dense, boolean reference) {
    return new LossConfig(0.2, 0.3, 0.7, inst, local, dense, reference, LocalNegatives.REFERENCE);
  }

  @Test
  void totalIsTheWeightedSumOfTheTermsOfSection4d() {
    try (NDManager m = NDManager.newBaseManager();
        ContrastQueues queues = new ContrastQueues(m, 8, 8, 6, D, 1)) {
      FimaOutputs o = outputs(m, 2);
      LossTerms terms = new FimaLoss(config(1.0, 0.5, 2.0, false), queues).compute(o);
      NDArray q = queues.instance().features();
      double instance =
          new InstanceContrastLoss(0.2)
              .compute(o.m().query(), o.n().query(), o.m().key(), o.n().key(), q, q)
              .loss()
              .getFloat();
      double local =
          new LocalMotionContrastLoss(0.2, LocalNegatives.REFERENCE)
              .compute(
                  o.n().requireMotion().clsPredictions(),
                  o.m().requireMotion().clsPredictions(),
                  o.n().requireMotion().localKeys(),
                  o.m().requireMotion().localKeys(),
                  queues.motion().get().features())
              .loss()
              .getFloat();
      DenseMotionContrastLoss dense = new DenseMotionContrastLoss(0.3, 0.7);
      NDArray dq = queues.dense().get().features();
      double denseSum = 0;
      for (int t = 0; t < 2; t++) {
        denseSum +=
            dense
                .compute(
                    o.n().requireMotion().densePredictions().get(t),
                    o.n().requireMotion().denseTargets(),
                    t,
                    o.m().crop(),
                    o.n().crop(),
                    o.m().requireMotion().foreground(),
                    o.n().requireMotion().foreground(),
                    dq)
                .loss()
                .getFloat();
        denseSum +=
            dense
                .compute(
                    o.m().requireMotion().densePredictions().get(t),
                    o.m().requireMotion().denseTargets(),
                    t,
                    o.n().crop(),
                    o.m().crop(),
                    o.n().requireMotion().foreground(),
                    o.m().requireMotion().foreground(),
                    dq)
                .loss()
                .getFloat();
      }
      double denseMean = denseSum / 4;
      assertEquals(instance, terms.values().get(FimaLoss.INSTANCE).getFloat(), 1e-5);
      assertEquals(local, terms.values().get(FimaLoss.LOCAL).getFloat(), 1e-5);
      assertEquals(denseMean, terms.values().get(FimaLoss.DENSE).getFloat(), 1e-5);
      assertEquals(instance + 0.5 * local + 2.0 * denseMean, terms.total().getFloat(), 1e-4);
      assertEquals(
          List.of(
              "loss",
              "instance",
              "local",
              "local_chance",
              "dense",
              "dense_chance",
              "instance_acc",
              "local_acc",
              "dense_kept",
              "cls_pred_cos",
              "local_key_cos",
              "foreground"),
          new ArrayList<>(terms.values().keySet()));
      // Local: 1 positive + 3B in-batch negatives + 8 queued keys; dense: B x 2 slices x 4 cells
      // + 6 queued keys, one geometric positive per cell.
      assertEquals(Math.log(15), terms.values().get(FimaLoss.LOCAL_CHANCE).getFloat(), 1e-6);
      assertEquals(Math.log(22), terms.values().get(FimaLoss.DENSE_CHANCE).getFloat(), 1e-6);
      List<NDArray> predictions = new ArrayList<>(o.n().requireMotion().clsPredictions());
      predictions.addAll(o.m().requireMotion().clsPredictions());
      assertEquals(
          CollapseStatistics.meanPairwiseCosine(predictions).getFloat(),
          terms.values().get(FimaLoss.PREDICTION_COSINE).getFloat(),
          0f);
      List<NDArray> targets = new ArrayList<>(o.n().requireMotion().localKeys());
      targets.addAll(o.m().requireMotion().localKeys());
      assertEquals(
          CollapseStatistics.meanPairwiseCosine(targets).getFloat(),
          terms.values().get(FimaLoss.TARGET_COSINE).getFloat(),
          0f);
      assertEquals(1f, terms.values().get(FimaLoss.FOREGROUND_SHARE).getFloat(), 0f);
      assertEquals(
          List.of("cls_pred_cos", "local_key_cos", "foreground"),
          FimaLoss.statistics(new ArrayList<>(terms.values().keySet())));
      // Every sample has overlapping crops and full foreground: all kept.
      assertEquals(1f, terms.values().get(FimaLoss.DENSE_KEPT).getFloat(), 1e-6);
      // The DJL entry point gives the same total.
      assertEquals(
          terms.total().getFloat(),
          new FimaLoss(config(1.0, 0.5, 2.0, false), queues)
              .evaluate(new NDList(), FimaLoss.pack(o))
              .getFloat(),
          1e-6);
    }
  }

  @Test
  void zeroWeightsSkipTermsAndMocoOutputsGiveTheInstanceTermAlone() {
    try (NDManager m = NDManager.newBaseManager();
        ContrastQueues queues = new ContrastQueues(m, 8, 8, 0, D, 1)) {
      FimaOutputs o = outputs(m, 3);
      LossTerms noDense = new FimaLoss(config(1, 1, 0, false), queues).compute(o);
      assertEquals(
          List.of(
              "loss",
              "instance",
              "local",
              "local_chance",
              "instance_acc",
              "local_acc",
              "cls_pred_cos",
              "local_key_cos"),
          new ArrayList<>(noDense.values().keySet()));
      LossTerms noLocal = new FimaLoss(config(1, 0, 1, false), queues).compute(o);
      assertEquals(
          List.of(
              "loss",
              "instance",
              "dense",
              "dense_chance",
              "instance_acc",
              "dense_kept",
              "foreground"),
          new ArrayList<>(noLocal.values().keySet()));
      FimaOutputs moco =
          FimaLoss.unpack(
              new NDList(
                  o.m().query(),
                  o.m().key(),
                  o.m().crop(),
                  o.n().query(),
                  o.n().key(),
                  o.n().crop()));
      FimaLoss full = new FimaLoss(config(1, 1, 1, false), queues);
      LossTerms mocoTerms = full.compute(moco);
      assertEquals(
          List.of("loss", "instance", "instance_acc"), List.copyOf(mocoTerms.values().keySet()));
      assertEquals(full.names(false), List.copyOf(mocoTerms.values().keySet()));
      assertEquals(
          mocoTerms.values().get(FimaLoss.INSTANCE).getFloat(), mocoTerms.total().getFloat(), 0f);
      assertThrows(
          IllegalStateException.class,
          () -> new FimaLoss(config(0, 1, 1, false), queues).compute(moco));
    }
  }

  @Test
  void referenceEnqueueOrderLeaksTheNKeysIntoTheSecondHalf() {
    try (NDManager m = NDManager.newBaseManager();
        ContrastQueues queues = new ContrastQueues(m, 5, 5, 0, D, 4)) {
      // Move the pointer off 0 so that the leaked write wraps around the end (3 + 2B = 7 > 5).
      queues.instance().enqueue(unit(m, new Random(9), 3, D));
      FimaOutputs o = outputs(m, 5);
      // Make q_n's near-duplicate key exactly q_n: its leaked logit then equals 1/T, the ceiling.
      FimaOutputs leaky =
          new FimaOutputs(
              new ViewOutputs(o.m().query(), o.m().key(), o.m().crop()),
              new ViewOutputs(o.n().query(), o.n().query(), o.n().crop()));
      double fixed = new FimaLoss(config(1, 0, 0, false), queues).compute(leaky).total().getFloat();
      double reference =
          new FimaLoss(config(1, 0, 0, true), queues).compute(leaky).total().getFloat();
      NDArray q = queues.instance().features();
      NDArray after = QueueWrites.afterEnqueue(q, 3, leaky.n().key());
      double expected =
          new InstanceContrastLoss(0.2)
              .compute(
                  leaky.m().query(), leaky.n().query(), leaky.m().key(), leaky.n().key(), q, after)
              .loss()
              .getFloat();
      assertEquals(expected, reference, 1e-5);
      assertNotEquals(fixed, reference, 1e-3);
      // The leak only adds a competitor at the ceiling: the loss can only grow.
      assertEquals(true, reference > fixed);
    }
  }

  @Test
  void enqueueWritesKeysInTheReferenceOrder() {
    try (NDManager m = NDManager.newBaseManager();
        ContrastQueues queues = new ContrastQueues(m, 20, 20, 40, D, 1)) {
      FimaOutputs o = outputs(m, 6);
      new FimaLoss(config(1, 1, 1, false), queues).enqueue(o);
      assertArrayEquals(
          NDArrays.concat(new NDList(o.n().key(), o.m().key()), 0).toFloatArray(),
          queues.instance().features().get(":4").toFloatArray());
      assertEquals(4, queues.instance().pointer());
      NDList local = new NDList();
      local.addAll(o.n().requireMotion().localKeys());
      local.addAll(o.m().requireMotion().localKeys());
      assertArrayEquals(
          NDArrays.concat(local, 0).toFloatArray(),
          queues.motion().get().features().get(":8").toFloatArray());
      assertEquals(8, queues.motion().get().pointer());
      // Dense: 4 maps x B x 2 x 2 cells = 32 rows; row r of z_n^0 is sample r / 4, cell r % 4.
      assertEquals(32, queues.dense().get().pointer());
      NDArray row5 = queues.dense().get().features().get("5");
      assertArrayEquals(
          o.n().requireMotion().denseTargets().get(0).get("1, :, 0, 1").toFloatArray(),
          row5.toFloatArray());
    }
  }

  @Test
  void queueStateRoundTrips() {
    try (NDManager m = NDManager.newBaseManager();
        ContrastQueues a = new ContrastQueues(m, 6, 6, 4, D, 1);
        ContrastQueues b = new ContrastQueues(m, 6, 6, 4, D, 2);
        ContrastQueues small = new ContrastQueues(m, 5, 6, 4, D, 2)) {
      new FimaLoss(config(1, 1, 1, false), a).enqueue(outputs(m, 8));
      NDList state = a.state(m);
      b.restore(state);
      for (String name :
          List.of(ContrastQueues.INSTANCE, ContrastQueues.MOTION, ContrastQueues.DENSE)) {
        assertArrayEquals(
            a.byName().get(name).features().toFloatArray(),
            b.byName().get(name).features().toFloatArray());
        assertEquals(a.byName().get(name).pointer(), b.byName().get(name).pointer());
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> small.restore(state));
      assertEquals(true, e.getMessage().contains("instance"), e.getMessage());
    }
  }
}
