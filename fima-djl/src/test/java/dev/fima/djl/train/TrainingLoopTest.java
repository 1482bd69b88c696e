package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import dev.fima.api.FimaException;
import dev.fima.api.config.CheckpointConfig;
import dev.fima.api.data.BatchLoader;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.jobs.TrainingStoppedException;
import dev.fima.djl.loss.LossTerms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop driven as a library user drives it: a block of their own (linear layers, batch
 * norm, dropout) and a DJL loss on DJL batches from a loader of their own.
 */
class TrainingLoopTest {

  @TempDir Path dir;

  /** A small classifier with batch norm and dropout, initialised from an engine seed. */
  private static Block block(NDManager manager, int seed) {
    ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
    SequentialBlock net =
        new SequentialBlock()
            .add(Linear.builder().setUnits(8).build())
            .add(BatchNorm.builder().build())
            .add(Activation.reluBlock())
            .add(Dropout.builder().optRate(0.3f).build())
            .add(Linear.builder().setUnits(2).build());
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
    return net;
  }

  /**
   * Batches of points labelled by the side of a plane, the same for every epoch (as a loader with a
   * fixed order); the batch sizes given, NaN inputs in the batches named {@code "epoch/batch"}.
   */
  private static final class Points implements BatchLoader<Batch> {
    private final int[] sizes;
    private final Set<String> poisoned;

    Points(Set<String> poisoned, int... sizes) {
      this.sizes = sizes;
      this.poisoned = poisoned;
    }

    @Override
    public int batchesPerEpoch() {
      return sizes.length;
    }

    @Override
    public Iterator<Batch> epoch(NDManager manager, int epoch, int fromBatch) {
      List<Batch> batches = new ArrayList<>();
      for (int b = fromBatch; b < sizes.length; b++) {
        Random random = new Random(100L * epoch + b);
        int n = sizes[b];
        float[] x = new float[3 * n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          for (int d = 0; d < 3; d++) {
            x[3 * i + d] = (float) random.nextGaussian();
          }
          y[i] = x[3 * i] + 0.5f * x[3 * i + 1] - x[3 * i + 2] > 0 ? 1 : 0;
        }
        if (poisoned.contains(epoch + "/" + b)) {
          x[0] = Float.NaN;
        }
        NDList data = new NDList(manager.create(x, new Shape(n, 3)));
        NDList labels = new NDList(manager.create(y, new Shape(n)));
        batches.add(new Batch(manager, data, labels, n, null, null, b, sizes.length));
      }
      return batches.iterator();
    }
  }

  /** Records every step and epoch. */
  private static final class Records implements StepListener {
    final List<StepRecord> steps = new ArrayList<>();
    final List<EpochRecord> epochs = new ArrayList<>();

    @Override
    public void onStep(StepRecord r) {
      steps.add(r);
    }

    @Override
    public void onEpoch(EpochRecord r) {
      epochs.add(r);
    }

    List<Double> losses() {
      return steps.stream().map(r -> r.values().get("loss")).toList();
    }
  }

  private static TrainingLoop.Builder loop(MomentumSgd sgd, Block block, int epochs) {
    return TrainingLoop.builder(sgd, block).epochs(epochs).seed(11);
  }

  private static MomentumSgd sgd(NDManager manager) {
    return MomentumSgd.builder().optLearningRate(0.2).optMomentum(0.9).build(manager);
  }

  private static float[] parameters(Block block, NDManager manager) {
    NDList copy = NamedParameters.copy(block, manager);
    List<Float> all = new ArrayList<>();
    for (NDArray a : copy) {
      for (float v : a.toFloatArray()) {
        all.add(v);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  @Test
  void aUserBlockLearnsWithADjlLossAndEpochMeansAreOverSamples() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, 3);
      Records records = new Records();
      TrainingLoop.Result result;
      try (MomentumSgd sgd = sgd(m)) {
        result =
            loop(sgd, block, 6)
                .listener(records)
                .build()
                .run(
                    m,
                    new Points(Set.of(), 8, 8, 2),
                    TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss()),
                    Position.START,
                    null);
      }
      assertEquals(new Position(6, 0, 18), result.position());
      assertEquals(18, records.steps.size());
      double first = records.epochs.get(0).means().get("loss");
      double last = records.epochs.get(5).means().get("loss");
      assertTrue(last < 0.7 * first, "the loss fell from " + first + " to " + last);
      // Each epoch's mean weighs a step by its samples: (8 l0 + 8 l1 + 2 l2) / 18.
      for (int e = 0; e < 6; e++) {
        List<StepRecord> s = records.steps.subList(3 * e, 3 * e + 3);
        double l0 = s.get(0).values().get("loss");
        double l1 = s.get(1).values().get("loss");
        double l2 = s.get(2).values().get("loss");
        double mean = records.epochs.get(e).means().get("loss");
        assertEquals((8 * l0 + 8 * l1 + 2 * l2) / 18, mean, 1e-12, "epoch " + e);
        assertNotEquals((l0 + l1 + l2) / 3, mean, 1e-9, "a mean over steps, epoch " + e);
        assertEquals(18, records.epochs.get(e).samples());
      }
      assertEquals(records.epochs.get(5).means(), result.lastEpochMeans());
      assertTrue(Double.isFinite(records.steps.get(0).values().get(TrainingLoop.GRAD_NORM)));
    }
  }

  @Test
  void aStoppedRunResumedFromItsCheckpointRepeatsTheUninterruptedSteps() {
    TrainingStep<Batch> step;
    List<Double> straight;
    float[] straightEnd;
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, 3);
      step = TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss());
      Records records = new Records();
      try (MomentumSgd sgd = sgd(m)) {
        loop(sgd, block, 3)
            .listener(records)
            .build()
            .run(m, new Points(Set.of(), 4, 4, 4, 4), step, Position.START, null);
      }
      straight = records.losses();
      straightEnd = parameters(block, m);
    }

    Path run = dir.resolve("run");
    CheckpointStore store = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 3);
    CheckpointConfig every = new CheckpointConfig(1, 0, 3);
    Records before = new Records();
    TrainingStoppedException stopped;
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, 3);
      try (MomentumSgd sgd = sgd(m)) {
        TrainingLoop[] loop = new TrainingLoop[1];
        StepListener stopAtSix =
            new StepListener() {
              @Override
              public void onStep(StepRecord r) {
                if (r.step() == 6) {
                  loop[0].requestStop();
                }
              }
            };
        loop[0] =
            loop(sgd, block, 3)
                .checkpoints(store, every, new ModelCheckpoint(block, sgd))
                .listener(before)
                .listener(stopAtSix)
                .build();
        TrainingStep<Batch> own = TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss());
        stopped =
            assertThrows(
                TrainingStoppedException.class,
                () -> loop[0].run(m, new Points(Set.of(), 4, 4, 4, 4), own, Position.START, null));
      }
    }
    assertEquals(
        "training stopped on request after step 6 (in epoch 2 of 3 after batch 2 of 4);"
            + " checkpoint "
            + stopped.checkpoint(),
        stopped.getMessage());
    assertEquals(6, CheckpointStore.sequence(stopped.checkpoint()));
    assertEquals(
        List.of(4L, 6L), store.list().stream().map(CheckpointStore::sequence).toList(), "epoch 1");
    assertEquals(straight.subList(0, 6), before.losses());

    Records after = new Records();
    try (NDManager m = NDManager.newBaseManager()) {
      // Other initial values, which the checkpoint overwrites.
      Block block = block(m, 4);
      try (MomentumSgd sgd = sgd(m)) {
        ModelCheckpoint content = new ModelCheckpoint(block, sgd);
        Path checkpoint = CheckpointStore.resolve(run);
        Position start;
        try (NDManager loading = m.newSubManager()) {
          start = content.restore(checkpoint, loading);
        }
        assertEquals(new Position(1, 2, 6), start);
        TrainingLoop.Result result =
            loop(sgd, block, 3)
                .checkpoints(store, every, content)
                .listener(after)
                .build()
                .run(
                    m,
                    new Points(Set.of(), 4, 4, 4, 4),
                    TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss()),
                    start,
                    checkpoint);
        assertEquals(12, result.position().step());
        assertEquals(12, CheckpointStore.sequence(result.lastCheckpoint()));
      }
      assertEquals(straight.subList(6, 12), after.losses(), "dropout masks and momentum alike");
      assertArrayEquals(straightEnd, parameters(block, m));
    }
  }

  @Test
  void aNonFiniteLossIsUndoneBatchNormStatisticsIncludedAndLeftOutOfTheMeans() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, 3);
      Records records = new Records();
      List<float[]> afterStep = new ArrayList<>();
      List<Long> updated = new ArrayList<>();
      TrainingStep<Batch> supervised =
          TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss());
      TrainingStep<Batch> counting =
          (parameters, batch, context) -> {
            TrainingStep.Forward f = supervised.forward(parameters, batch, context);
            return new TrainingStep.Forward(
                f.terms(), f.samples(), () -> updated.add(context.position().step()));
          };
      try (MomentumSgd sgd = sgd(m)) {
        loop(sgd, block, 1)
            .listener(records)
            .listener(
                new StepListener() {
                  @Override
                  public void onStep(StepRecord r) {
                    afterStep.add(parameters(block, m));
                  }
                })
            .build()
            .run(m, new Points(Set.of("0/1"), 4, 4, 4), counting, Position.START, null);
      }
      StepRecord poisoned = records.steps.get(1);
      assertTrue(poisoned.skipped());
      assertTrue(Double.isNaN(poisoned.values().get("loss")));
      assertTrue(Double.isNaN(poisoned.values().get(TrainingLoop.GRAD_NORM)));
      // Weights and running statistics alike are those of the step before.
      assertArrayEquals(afterStep.get(0), afterStep.get(1));
      assertEquals(List.of(0L, 2L), updated, "the skipped step ran nothing after its update");
      EpochRecord epoch = records.epochs.get(0);
      assertEquals(1, epoch.skippedSteps());
      double l0 = records.steps.get(0).values().get("loss");
      double l2 = records.steps.get(2).values().get("loss");
      assertEquals((l0 + l2) / 2, epoch.means().get("loss"), 1e-12);
    }
  }

  @Test
  void consecutiveSkippedStepsEndTheRunNamingTheLastGoodCheckpoint() {
    Path run = dir.resolve("diverged");
    CheckpointStore store = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 3);
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, 3);
      try (MomentumSgd sgd = sgd(m)) {
        TrainingLoop loop =
            loop(sgd, block, 3)
                .command("my-trainer")
                .checkpoints(
                    store, new CheckpointConfig(1, 0, 3, 2), new ModelCheckpoint(block, sgd))
                .build();
        FimaException e =
            assertThrows(
                FimaException.class,
                () ->
                    loop.run(
                        m,
                        new Points(Set.of("1/0", "1/1"), 2, 2, 2),
                        TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss()),
                        Position.START,
                        null));
        Path good = store.directory().resolve("checkpoint-000000000003");
        assertEquals(
            "training stopped at step 5: 2 consecutive steps had a non-finite loss or gradient"
                + " (checkpoint.maxSkippedSteps = 2). The last good checkpoint, "
                + good
                + ", is kept. Lower optim.lr, set optim.gradClip, or check the data, then resume"
                + " with my-trainer --resume "
                + run,
            e.getMessage());
        assertEquals(List.of(good), store.list());
      }
    }
  }

  /**
   * Runs 3 epochs of 2 batches with a checkpoint policy and lists, in order, the steps, the epoch
   * ends (whose hook adds a value to the means), the epochs, the checkpoints and the stop; a stop
   * is requested after the given step, if any.
   */
  private String events(CheckpointConfig policy, long stopAfter) {
    Path run = dir.resolve("events-" + policy.everySteps() + "-" + stopAfter);
    CheckpointStore store = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 10);
    List<String> events = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, 3);
      try (MomentumSgd sgd = sgd(m)) {
        ModelCheckpoint model = new ModelCheckpoint(block, sgd);
        TrainingLoop[] loop = new TrainingLoop[1];
        loop[0] =
            loop(sgd, block, 3)
                .checkpoints(
                    store,
                    policy,
                    (folder, at) -> {
                      events.add("checkpoint " + at.step());
                      model.write(folder, at);
                    })
                .epochEnd(
                    epoch -> {
                      events.add("end " + epoch);
                      return Map.of("validation", 10.0 + epoch);
                    })
                .listener(
                    new StepListener() {
                      @Override
                      public void onStep(StepRecord r) {
                        events.add("step " + r.step());
                        if (r.step() == stopAfter) {
                          loop[0].requestStop();
                        }
                      }

                      @Override
                      public void onEpoch(EpochRecord r) {
                        events.add("epoch " + r.epoch() + " " + r.means().get("validation"));
                      }
                    })
                .build();
        try {
          loop[0].run(
              m,
              new Points(Set.of(), 2, 2),
              TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss()),
              Position.START,
              null);
        } catch (TrainingStoppedException e) {
          events.add("stopped " + e.getMessage().replaceFirst("; checkpoint .*", ""));
        }
      }
    }
    return String.join(", ", events);
  }

  @Test
  void aStepCheckpointDueAtAnEpochsLastBatchIsWrittenAfterTheEpochsEnd() {
    // Every 2 steps, epochs every 5 (so only the last one): steps 2 and 4 end epochs 0 and 1.
    assertEquals(
        "step 1, step 2, end 0, epoch 0 10.0, checkpoint 2,"
            + " step 3, step 4, end 1, epoch 1 11.0, checkpoint 4,"
            + " step 5, step 6, end 2, epoch 2 12.0, checkpoint 6",
        events(new CheckpointConfig(5, 2, 10), -1));
  }

  @Test
  void aStopMidEpochCheckpointsAtOnceAndOneAtAnEpochsLastBatchWaitsForItsEnd() {
    String epoch0 = "step 1, step 2, end 0, epoch 0 10.0, ";
    assertEquals(
        epoch0
            + "step 3, checkpoint 3, stopped training stopped on request after step 3"
            + " (in epoch 2 of 3 after batch 1 of 2)",
        events(new CheckpointConfig(5, 0, 10), 3));
    assertEquals(
        epoch0
            + "step 3, step 4, end 1, epoch 1 11.0, checkpoint 4, stopped training stopped on"
            + " request after step 4 (after epoch 2 of 3)",
        events(new CheckpointConfig(5, 0, 10), 4));
    // A stop in the last step ends the run as it would have ended.
    assertEquals(
        epoch0
            + "step 3, step 4, end 1, epoch 1 11.0, step 5, step 6, end 2, epoch 2 12.0,"
            + " checkpoint 6",
        events(new CheckpointConfig(5, 0, 10), 6));
  }

  @Test
  void theStepsValuesAreReadInOneTransferInTheirOrderTotalFirst() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = block(m, 3);
      Records records = new Records();
      TrainingStep<Batch> supervised =
          TrainingStep.supervised(block, Loss.softmaxCrossEntropyLoss());
      TrainingStep<Batch> extra =
          (parameters, batch, context) -> {
            TrainingStep.Forward f = supervised.forward(parameters, batch, context);
            NDArray loss = f.terms().total();
            Map<String, NDArray> values = new java.util.LinkedHashMap<>();
            values.put("loss", loss);
            values.put("samples", context.manager().create(batch.getSize()));
            values.put("third", context.manager().create(1.0 / 3));
            return new TrainingStep.Forward(new LossTerms(loss, values), f.samples());
          };
      try (MomentumSgd sgd = sgd(m)) {
        loop(sgd, block, 1)
            .listener(records)
            .build()
            .run(m, new Points(Set.of(), 4), extra, Position.START, null);
      }
      Map<String, Double> values = records.steps.get(0).values();
      assertEquals(
          List.of("loss", "samples", "third", TrainingLoop.GRAD_NORM),
          List.copyOf(values.keySet()));
      assertEquals(4.0, values.get("samples"));
      assertEquals(1.0 / 3, values.get("third"), 0.0, "a float64 value is read as it is");
    }
  }
}
