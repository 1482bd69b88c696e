package dev.fima.djl.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fima.api.DataException;
import dev.fima.api.FimaException;
import dev.fima.api.config.CheckpointConfig;
import dev.fima.api.config.OptimConfig;
import dev.fima.api.data.BatchLoader;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.jobs.Stoppable;
import dev.fima.api.jobs.TrainingStoppedException;
import dev.fima.api.random.Seeds;
import dev.fima.djl.loss.LossTerms;
import dev.fima.djl.nd.StepPhases;
import dev.fima.djl.parallel.DataParallel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop of FIMA-J, which pretraining, fine-tuning and library users all drive: epochs
 * of steps from a resumable {@link BatchLoader}, each step's learning rate from a schedule, the
 * engine seeded from the run seed and the position (dropout repeats on resume), backward and a
 * {@link ClippingParameterServer} update (the global gradient norm clipped, a non-finite one
 * discarded), a step whose loss or gradient is not finite undone (no weight change, the batch-norm
 * running statistics its forward pass updated put back, {@link TrainingStep.Forward#afterUpdate}
 * not run), checkpoints when due, a stop on request at the next step boundary, and every step and
 * epoch reported to {@link StepListener}s. What a step computes is a {@link TrainingStep}.
 *
 * <p>As one rank of a data-parallel run ({@link Builder#ranks}) each step averages its gradients,
 * values and batch-norm statistics with the other ranks' before the update, and every decision
 * (skip, stop) is taken from the averaged values, alike on every rank.
 *
 * <p>Checkpoints: every {@code everySteps} steps, at the end of every {@code everyEpochs} epochs
 * and of the last one, and where a stop is requested. One due at an epoch's last batch is written
 * after the epoch's end (its {@link EpochEnd} included), so it holds the whole epoch. {@code
 * maxSkippedSteps} consecutive skipped steps end the run with an error naming the last good
 * checkpoint; nothing is ever checkpointed from a state holding a NaN, since the skipped steps
 * changed nothing.
 *
 * <p>A stop requested while the run is in its last epoch's last step ends the run normally; any
 * other ends it at the next step boundary with a checkpoint and a {@link TrainingStoppedException}
 * saying where, the epoch numbered as the progress line shows it. A stop at an epoch's last batch
 * waits for the epoch's end.
 *
 * <p>An epoch's mean of a value is over its samples: each step's value weighted by its batch's
 * samples, skipped steps left out. That is the mean over the epoch's data of a per-sample quantity
 * (as the reference's {@code AverageMeter} with {@code n = batch size} computes it), and it stays
 * that when batches differ in size; with equal batches it is the plain mean over steps.
 *
 * <p>A library user's loop, with {@code block} an initialised block and {@code batches} a {@link
 * BatchLoader} of DJL {@code Batch}es:
 *
 * <pre>{@code
 * MomentumSgd sgd = MomentumSgd.builder().optLearningRate(0.1).build(manager);
 * ModelCheckpoint content = new ModelCheckpoint(block, sgd);
 * TrainingLoop loop =
 *     TrainingLoop.builder(sgd, block)
 *         .epochs(10)
 *         .checkpoints(new CheckpointStore(run, 3), new CheckpointConfig(1, 0, 3), content)
 *         .build();
 * loop.run(manager, batches, TrainingStep.supervised(block, loss), Position.START, null);
 * }</pre>
 */
public final class TrainingLoop implements Stoppable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  /** Name of the global gradient norm among a step's values (NaN for a step without backward). */
  public static final String GRAD_NORM = "grad_norm";

  /**
   * Name of a data-parallel step's seconds in the all-reduce of its gradients and values (this
   * rank's wait for the others included).
   */
  public static final String ALLREDUCE_SECONDS = "allreduce_seconds";

  /**
   * Name of a data-parallel step's seconds in gathers across ranks (the key encoder's shuffle and
   * the keys enqueued).
   */
  public static final String GATHER_SECONDS = "gather_seconds";

  private final String name;
  private final String command;
  private final int epochs;
  private final MomentumSgd optimizer;
  private final double gradClip;
  private final LearningRateSchedule schedule;
  private final Block model;
  private final Block trainable;
  private final Device[] devices;
  private final long seed;
  private final long seedPurpose;
  private final CheckpointStore store;
  private final CheckpointConfig policy;
  private final CheckpointContent content;
  private final List<StepListener> listeners;
  private final EpochEnd epochEnd;
  private final BooleanSupplier stopWhen;
  private final DataParallel ranks;
  private final AtomicBoolean stop = new AtomicBoolean();

  private TrainingLoop(Builder b) {
    this.name = b.name;
    this.command = b.command;
    this.epochs = b.epochs;
    this.optimizer = b.optimizer;
    this.gradClip = b.gradClip;
    this.schedule = b.schedule;
    this.model = b.model;
    this.trainable = b.trainable;
    this.devices = b.devices == null ? null : b.devices.clone();
    this.seed = b.seed;
    this.seedPurpose = b.seedPurpose;
    this.store = b.store;
    this.policy = b.policy;
    this.content = b.content;
    this.listeners = List.copyOf(b.listeners);
    this.epochEnd = b.epochEnd;
    this.stopWhen = b.stopWhen;
    this.ranks = b.ranks;
  }

  /**
   * Starts a loop that trains the parameters {@code model}'s forward passes use with an optimiser.
   *
   * @param optimizer the optimiser; the loop sets its learning rate before every step
   * @param model the model, initialised: its batch-norm statistics are put back after a skipped
   *     step and its parameter names name a non-finite gradient (give the trained part with {@link
   *     Builder#trainable} when the model holds more)
   * @return a builder: 1 epoch, no schedule (the optimiser's rate), no gradient clipping, no
   *     checkpoints, seed 0
   */
  public static Builder builder(MomentumSgd optimizer, Block model) {
    return new Builder(optimizer, model);
  }

  /**
   * Asks the running loop to stop at its next step boundary; safe to call from any thread, such as
   * a listener or a shutdown hook. A stop requested before {@link #run} starts applies to that run;
   * the request ends with the run.
   */
  @Override
  public void requestStop() {
    stop.set(true);
  }

  /**
   * Receives the end of every epoch, before the listeners do: the place for work between epochs,
   * such as a validation.
   */
  @FunctionalInterface
  public interface EpochEnd {
    /**
     * Called when an epoch's last step is done.
     *
     * @param epoch the 0-based epoch that ended
     * @return values to add to the epoch's means (e.g. {@code validation_top1}), or an empty map
     */
    Map<String, Double> ended(int epoch);
  }

  /**
   * How a run ended when it reached its last epoch.
   *
   * @param position the position after the last step ({@code epochs}, batch 0)
   * @param lastCheckpoint the newest checkpoint written or resumed from, or {@code null}
   * @param lastEpochMeans the means of the last epoch trained, by name (empty when none was)
   */
  public record Result(Position position, Path lastCheckpoint, Map<String, Double> lastEpochMeans) {

    /** Copies the means, keeping their order. */
    public Result {
      lastEpochMeans = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lastEpochMeans));
    }
  }

  /**
   * Trains from a position to the last epoch.
   *
   * @param manager the run's manager: each epoch and each step gets a sub-manager, closed when it
   *     ends
   * @param batches the batches
   * @param step what a step computes
   * @param start where to begin: {@link Position#START}, or a checkpoint's position
   * @param resumedFrom the checkpoint {@code start} comes from, or {@code null}
   * @param <B> the batch type
   * @return the position at the end, the last checkpoint and the last epoch's means
   * @throws TrainingStoppedException when a stop was requested before the last step
   * @throws FimaException when {@code maxSkippedSteps} consecutive steps were skipped
   * @throws DataException naming the checkpoint folder when a checkpoint cannot be written
   */
  public <B> Result run(
      NDManager manager,
      BatchLoader<B> batches,
      TrainingStep<B> step,
      Position start,
      Path resumedFrom) {
    Device[] on = devices == null ? new Device[] {manager.getDevice()} : devices;
    try (ClippingParameterServer server = new ClippingParameterServer(optimizer, gradClip)) {
      return new Run<>(batches, step, server, on, resumedFrom, start).train(manager);
    } finally {
      // The loop can run again, e.g. to continue from the checkpoint of its stop.
      stop.set(false);
    }
  }

  private boolean stopRequestedHere() {
    return stop.get() || (stopWhen != null && stopWhen.getAsBoolean());
  }

  private boolean parallel() {
    return ranks != null && ranks.worldSize() > 1;
  }

  /** One run: the state between steps. */
  private final class Run<B> {
    private final BatchLoader<B> batches;
    private final TrainingStep<B> step;
    private final ClippingParameterServer server;
    private final Device[] on;
    private final BatchNormStatistics statistics;
    private final int perEpoch;
    private Position position;
    private Path lastCheckpoint;
    private long lastCheckpointStep;
    private int consecutiveSkipped;
    private final Map<String, String> names = new LinkedHashMap<>();
    private boolean groupStops;

    Run(
        BatchLoader<B> batches,
        TrainingStep<B> step,
        ClippingParameterServer server,
        Device[] on,
        Path resumedFrom,
        Position start) {
      this.batches = batches;
      this.step = step;
      this.server = server;
      this.on = on;
      this.statistics = BatchNormStatistics.of(model);
      this.perEpoch = batches.batchesPerEpoch();
      this.position = start;
      this.lastCheckpoint = resumedFrom;
      this.lastCheckpointStep = resumedFrom == null ? -1 : start.step();
      NamedParameters.of(model).forEach((n, p) -> names.put(p.getId(), n));
    }

    /**
     * Whether the run stops at this step boundary. Ranks of a data-parallel run decide it together
     * in each step's all-reduce, so that they all stop after the same step.
     */
    private boolean stopRequested() {
      return parallel() ? groupStops : stopRequestedHere();
    }

    Result train(NDManager manager) {
      Map<String, Double> lastMeans = Map.of();
      while (position.epoch() < epochs) {
        int epoch = position.epoch();
        EpochMeans means = new EpochMeans();
        long epochStart = System.nanoTime();
        try (NDManager epochManager = manager.newSubManager()) {
          Iterator<B> it = batches.epoch(epochManager, epoch, position.batch());
          while (position.epoch() == epoch) {
            long t0 = System.nanoTime();
            if (!it.hasNext()) {
              throw new FimaException(
                  "the loader ended epoch "
                      + epoch
                      + " after batch "
                      + position.batch()
                      + " of "
                      + perEpoch);
            }
            B batch = it.next();
            double dataSeconds = (System.nanoTime() - t0) / 1e9;
            StepRecord record = step(batch, epochManager, dataSeconds, t0);
            means.add(record);
            afterStep(record);
          }
        }
        Map<String, Double> values = means.means();
        if (epochEnd != null) {
          values.putAll(epochEnd.ended(epoch));
        }
        EpochRecord summary =
            means.summary(epoch, position.step(), (System.nanoTime() - epochStart) / 1e9, values);
        lastMeans = summary.means();
        for (StepListener l : listeners) {
          l.onEpoch(summary);
        }
        boolean last = epoch + 1 == epochs;
        boolean stopping = stopRequested() && !last;
        if (stopping || last || (epoch + 1) % policy.everyEpochs() == 0 || stepCheckpointDue()) {
          checkpoint();
        }
        if (stopping) {
          throw stopped();
        }
      }
      return new Result(position, lastCheckpoint, lastMeans);
    }

    /** Runs one step and moves the position on; returns its record. */
    private StepRecord step(B batch, NDManager epochManager, double dataSeconds, long t0) {
      Position at = position;
      double lr =
          schedule == null
              ? optimizer.learningRate()
              : schedule.rate(at.epoch(), at.batch(), perEpoch);
      optimizer.setLearningRate(lr);
      Map<String, Double> values;
      int samples;
      boolean skipped;
      StepPhases.enter(StepPhases.STEP);
      NDManager stepManager = epochManager.newSubManager();
      try {
        Engine engine = Engine.getInstance();
        StepPhases.enter(StepPhases.BOOKKEEPING);
        // Dropout draws from the engine's generator: seeding it per step from the position makes a
        // resumed run repeat the uninterrupted one (the generator is not saved). The ranks of a
        // data-parallel run draw their own masks for their own samples.
        engine.setRandomSeed(
            (int)
                (parallel()
                    ? at.seed(seed, seedPurpose, ranks.rank())
                    : at.seed(seed, seedPurpose)));
        ParameterStore parameters = new ParameterStore(stepManager, false);
        parameters.setParameterServer(server, on);
        NDList statisticsBefore = statistics.capture(stepManager);
        StepPhases.exit(StepPhases.BOOKKEEPING);
        TrainingStep.Forward forward;
        double total;
        try (GradientCollector collector = engine.newGradientCollector()) {
          forward = step.forward(parameters, batch, new TrainingStep.Context(stepManager, at));
          samples = forward.samples();
          values = new LinkedHashMap<>();
          total = StepPhases.call(StepPhases.READ_VALUES, () -> toHost(forward.terms(), values));
          skipped = !Double.isFinite(total);
          // A rank of a data-parallel run always runs backward: the ranks decide together, from
          // the all-reduced loss, whether the step is skipped.
          if (!skipped || parallel()) {
            StepPhases.run(StepPhases.BACKWARD, () -> collector.backward(forward.terms().total()));
          }
        }
        double norm = Double.NaN;
        if (parallel()) {
          StepReduction reduction = new StepReduction(total, values, stopRequestedHere());
          norm =
              StepPhases.call(
                  StepPhases.OPTIMIZER,
                  () -> {
                    parameters.updateAllParameters();
                    return server.finishStep(g -> reduction.reduce(g, stepManager));
                  });
          total = reduction.total;
          groupStops = reduction.stop;
          skipped = !Double.isFinite(total) || !Double.isFinite(norm);
          values.put(ALLREDUCE_SECONDS, ranks.takeAllReduceSeconds());
          samples *= ranks.worldSize();
        } else if (!skipped) {
          norm =
              StepPhases.call(
                  StepPhases.OPTIMIZER,
                  () -> {
                    parameters.updateAllParameters();
                    return server.finishStep();
                  });
          skipped = !Double.isFinite(norm);
        }
        values.put(GRAD_NORM, norm);
        if (skipped) {
          statistics.restore(statisticsBefore);
          LOG.warn(
              "step {} (epoch {}, batch {}) skipped: loss {} gradient norm {}{}",
              at.step() + 1,
              at.epoch(),
              at.batch(),
              total,
              norm,
              Double.isFinite(total) ? nonFiniteNote() : "");
        } else {
          forward.afterUpdate().run();
        }
        if (parallel()) {
          values.put(GATHER_SECONDS, ranks.takeGatherSeconds());
        }
      } finally {
        StepPhases.run(StepPhases.RELEASE, stepManager::close);
        StepPhases.exit(StepPhases.STEP);
      }
      position = at.next(perEpoch);
      return new StepRecord(
          at.epoch(),
          at.batch(),
          perEpoch,
          position.step(),
          lr,
          values,
          samples,
          (System.nanoTime() - t0) / 1e9,
          dataSeconds,
          skipped);
    }

    /**
     * One data-parallel step's all-reduce: its loss, values and stop request, the batch-norm
     * running statistics its forward pass updated, and its gradients, averaged over the ranks in
     * one collective. Every rank then holds the same bits of each, so that the update keeps their
     * weights identical, and decides alike whether the step is skipped (a loss that is not finite
     * on any rank makes the mean not finite) and whether to stop (any rank asked).
     */
    private final class StepReduction {
      private final Map<String, Double> values;
      private double total;
      private boolean stop;

      StepReduction(double total, Map<String, Double> values, boolean stop) {
        this.total = total;
        this.values = values;
        this.stop = stop;
      }

      boolean reduce(Map<String, NDArray> gradients, NDManager stepManager) {
        List<String> keys = new ArrayList<>(values.keySet());
        float[] head = new float[keys.size() + 2];
        head[0] = (float) total;
        for (int i = 0; i < keys.size(); i++) {
          head[i + 1] = values.get(keys.get(i)).floatValue();
        }
        head[keys.size() + 1] = stop ? 1 : 0;
        // Parameter ids differ between processes; their names do not.
        List<String> ids = new ArrayList<>(gradients.keySet());
        ids.sort(java.util.Comparator.comparing(id -> names.getOrDefault(id, id)));
        NDList arrays = statistics.capture(stepManager);
        int stats = arrays.size();
        for (String id : ids) {
          arrays.add(gradients.get(id));
        }
        ranks.allReduceMean(head, arrays);
        statistics.restore(new NDList(arrays.subList(0, stats)));
        total = head[0];
        for (int i = 0; i < keys.size(); i++) {
          values.put(keys.get(i), (double) head[i + 1]);
        }
        stop = head[keys.size() + 1] > 0;
        return Double.isFinite(total);
      }
    }

    /** Reports a step, then stops, checkpoints or ends the run as due. */
    private void afterStep(StepRecord record) {
      StepPhases.run(
          StepPhases.LISTENERS,
          () -> {
            for (StepListener l : listeners) {
              l.onStep(record);
            }
          });
      consecutiveSkipped = record.skipped() ? consecutiveSkipped + 1 : 0;
      if (consecutiveSkipped >= policy.maxSkippedSteps()) {
        throw diverged();
      }
      if (position.atEpochStart()) {
        // The epoch's last batch: the epoch's end decides (validation, checkpoint, stop).
        return;
      }
      boolean stopping = stopRequested();
      if (stopping || stepCheckpointDue()) {
        checkpoint();
      }
      if (stopping) {
        throw stopped();
      }
    }

    private boolean stepCheckpointDue() {
      int every = policy.everySteps();
      return every > 0 && position.step() % every == 0;
    }

    private void checkpoint() {
      if (store == null || position.step() == lastCheckpointStep) {
        return;
      }
      Position at = position;
      try {
        lastCheckpoint = store.write(at.step(), folder -> content.write(folder, at));
        lastCheckpointStep = at.step();
      } catch (IOException e) {
        throw new DataException(
            store.directory(),
            "cannot write the checkpoint of step "
                + at.step()
                + ": "
                + DataException.reason(e)
                + (lastCheckpoint == null
                    ? "; no checkpoint was written before it, so this run has to start again"
                    : "; the last good checkpoint, "
                        + lastCheckpoint
                        + ", is kept: free some space, then "
                        + (command == null ? "resume from it" : "continue with --resume " + run())),
            e);
      }
    }

    private TrainingStoppedException stopped() {
      String where = ProgressLine.position(position.epoch(), position.batch(), perEpoch, epochs);
      return new TrainingStoppedException(
          name
              + " stopped on request after step "
              + position.step()
              + " ("
              + where
              + ")"
              + (lastCheckpoint == null ? "" : "; checkpoint " + lastCheckpoint)
              + (command == null || store == null
                  ? ""
                  : ". Continue with: "
                      + command
                      + " --resume "
                      + run()
                      + " (and the same options)"),
          lastCheckpoint);
    }

    private FimaException diverged() {
      return new FimaException(
          name
              + " stopped at step "
              + position.step()
              + ": "
              + consecutiveSkipped
              + " consecutive steps had a non-finite loss or gradient"
              + " (checkpoint.maxSkippedSteps = "
              + policy.maxSkippedSteps()
              + "). "
              + (lastCheckpoint == null
                  ? "No checkpoint had been written yet."
                  : "The last good checkpoint, " + lastCheckpoint + ", is kept.")
              + " Lower optim.lr, set optim.gradClip, or check the data"
              + (command == null || store == null
                  ? "."
                  : ", then resume with " + command + " --resume " + run()));
    }

    /** The run folder: the checkpoint folder's parent. */
    private Path run() {
      return store.directory().getParent();
    }

    /** Names the parameters of the last step discarded for a non-finite gradient. */
    private String nonFiniteNote() {
      List<String> ids = server.lastNonFiniteParameters();
      if (ids.isEmpty()) {
        return "";
      }
      Map<String, String> names = new LinkedHashMap<>();
      NamedParameters.of(trainable).forEach((n, p) -> names.put(p.getId(), n));
      List<String> named = ids.stream().map(id -> names.getOrDefault(id, id)).toList();
      return "; non-finite gradients in "
          + named.size()
          + " parameters, first "
          + String.join(", ", named.subList(0, Math.min(5, named.size())));
    }
  }

  /**
   * Reads a step's total and values in one transfer. Values are read in float32 (float64 ones as
   * they are), as a step's scalars have always been reported.
   *
   * @return the total; the values are put into {@code values} in their order
   */
  private static double toHost(LossTerms terms, Map<String, Double> values) {
    List<String> names = new ArrayList<>(terms.values().keySet());
    NDList scalars = new NDList();
    scalars.add(onHost(terms.total()));
    for (String n : names) {
      scalars.add(onHost(terms.values().get(n)));
    }
    double[] flat = StepPhases.toHost(NDArrays.stack(scalars));
    for (int i = 0; i < names.size(); i++) {
      values.put(names.get(i), flat[i + 1]);
    }
    return flat[0];
  }

  private static NDArray onHost(NDArray value) {
    NDArray v = value.stopGradient();
    if (v.getDataType() != DataType.FLOAT64) {
      v = v.toType(DataType.FLOAT32, false);
    }
    return v.toType(DataType.FLOAT64, false).toDevice(Device.cpu(), false);
  }

  /** Sums of every value over an epoch's steps, weighted by their samples. */
  private static final class EpochMeans {
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int steps;
    private int skipped;
    private long samples;
    private long counted;
    private double dataSeconds;

    void add(StepRecord r) {
      steps++;
      samples += r.samples();
      dataSeconds += r.dataSeconds();
      if (r.skipped()) {
        skipped++;
        return;
      }
      counted += r.samples();
      for (Map.Entry<String, Double> e : r.values().entrySet()) {
        sums.merge(e.getKey(), e.getValue() * r.samples(), Double::sum);
      }
    }

    Map<String, Double> means() {
      Map<String, Double> means = new LinkedHashMap<>();
      for (Map.Entry<String, Double> e : sums.entrySet()) {
        means.put(e.getKey(), counted == 0 ? Double.NaN : e.getValue() / counted);
      }
      return means;
    }

    EpochRecord summary(int epoch, long step, double wall, Map<String, Double> means) {
      return new EpochRecord(epoch, step, means, steps, skipped, samples, wall, dataSeconds);
    }
  }

  /** Configures a {@link TrainingLoop}. */
  public static final class Builder {
    private final MomentumSgd optimizer;
    private final Block model;
    private Block trainable;
    private String name = "training";
    private String command;
    private int epochs = 1;
    private double gradClip;
    private LearningRateSchedule schedule;
    private Device[] devices;
    private long seed;
    private long seedPurpose;
    private CheckpointStore store;
    private CheckpointConfig policy = CheckpointConfig.defaults();
    private CheckpointContent content;
    private final List<StepListener> listeners = new ArrayList<>();
    private EpochEnd epochEnd;
    private BooleanSupplier stopWhen;
    private DataParallel ranks;

    private Builder(MomentumSgd optimizer, Block model) {
      this.optimizer = optimizer;
      this.model = model;
      this.trainable = model;
    }

    /**
     * Sets the part of the model that is trained, whose parameter names name a non-finite gradient
     * (pretraining trains the query side of a model that also holds the key side).
     *
     * @param trained the trained block
     * @return this builder
     */
    public Builder trainable(Block trained) {
      this.trainable = trained;
      return this;
    }

    /**
     * Names the training in messages, e.g. {@code "fine-tuning"} ({@code "training"} by default).
     *
     * @param what the word
     * @return this builder
     */
    public Builder name(String what) {
      this.name = what;
      return this;
    }

    /**
     * Sets the command that resumes the run, which messages give with the run folder: {@code
     * <command> --resume <run>}. Without one, messages name the checkpoint only.
     *
     * @param resumeCommand e.g. {@code "fima pretrain"}
     * @return this builder
     */
    public Builder command(String resumeCommand) {
      this.command = resumeCommand;
      return this;
    }

    /**
     * Sets the run's length.
     *
     * @param count epochs, at least 1
     * @return this builder
     */
    public Builder epochs(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("epochs must be >= 1, got " + count);
      }
      this.epochs = count;
      return this;
    }

    /**
     * Sets what a job's configuration says about the optimisation: the epochs, the schedule of its
     * rate at a batch size (scaled from {@code optim.referenceBatch}), and the gradient clipping.
     *
     * @param optim the configuration
     * @param batchSize samples per batch
     * @param count epochs
     * @return this builder
     */
    public Builder optim(OptimConfig optim, int batchSize, int count) {
      return epochs(count)
          .schedule(LearningRateSchedule.of(optim, batchSize, count))
          .gradClip(optim.gradClip());
    }

    /**
     * Sets the learning rate of every step.
     *
     * @param rates the schedule
     * @return this builder
     */
    public Builder schedule(LearningRateSchedule rates) {
      this.schedule = rates;
      return this;
    }

    /**
     * Clips the global gradient norm.
     *
     * @param maxNorm the largest norm applied; 0 (the default) disables clipping
     * @return this builder
     */
    public Builder gradClip(double maxNorm) {
      this.gradClip = maxNorm;
      return this;
    }

    /**
     * Sets the devices whose parameter copies the update sums and writes (the run manager's device
     * by default).
     *
     * @param on the devices, the primary first
     * @return this builder
     */
    public Builder devices(Device... on) {
      this.devices = on.clone();
      return this;
    }

    /**
     * Sets the run seed; each step seeds the engine from it and the step's position.
     *
     * @param runSeed the run seed
     * @return this builder
     */
    public Builder seed(long runSeed) {
      return seed(runSeed, 0);
    }

    /**
     * Sets the run seed and the purpose tag of the engine seeds derived from it ({@link
     * Seeds#derive}{@code (seed, purpose, epoch, batch)}), so that a job's other streams stay
     * independent of its dropout.
     *
     * @param runSeed the run seed
     * @param purpose the purpose tag
     * @return this builder
     */
    public Builder seed(long runSeed, long purpose) {
      this.seed = runSeed;
      this.seedPurpose = purpose;
      return this;
    }

    /**
     * Writes checkpoints.
     *
     * @param checkpoints where they go (and how many are kept)
     * @param when when they are due, and how many skipped steps in a row end the run
     * @param what what goes into each
     * @return this builder
     */
    public Builder checkpoints(
        CheckpointStore checkpoints, CheckpointConfig when, CheckpointContent what) {
      this.store = checkpoints;
      this.policy = when;
      this.content = what;
      return this;
    }

    /**
     * Sets how many consecutive skipped steps end a run without checkpoints ({@link #checkpoints}
     * sets it otherwise).
     *
     * @param steps the limit, at least 1 (10 by default)
     * @return this builder
     */
    public Builder maxSkippedSteps(int steps) {
      this.policy =
          new CheckpointConfig(policy.everyEpochs(), policy.everySteps(), policy.keep(), steps);
      return this;
    }

    /**
     * Adds a listener, called after every step and epoch in the order added.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(StepListener listener) {
      this.listeners.add(listener);
      return this;
    }

    /**
     * Adds listeners.
     *
     * @param more the listeners, in order
     * @return this builder
     */
    public Builder listeners(List<? extends StepListener> more) {
      this.listeners.addAll(more);
      return this;
    }

    /**
     * Sets the work done at every epoch's end.
     *
     * @param hook the work
     * @return this builder
     */
    public Builder epochEnd(EpochEnd hook) {
      this.epochEnd = hook;
      return this;
    }

    /**
     * Also stops when a condition becomes true (checked after every step), besides {@link
     * TrainingLoop#requestStop}: a job's own stop flag.
     *
     * @param condition the condition
     * @return this builder
     */
    public Builder stopWhen(BooleanSupplier condition) {
      this.stopWhen = condition;
      return this;
    }

    /**
     * Trains as one rank of a data-parallel run: each step's gradients (after the sum over this
     * process's devices), loss values and the model's batch-norm running statistics are averaged
     * over the ranks in one all-reduce before the update, so that the ranks keep identical weights;
     * whether a step is skipped and whether to stop are decided from the averaged values, alike on
     * every rank. A step's values then include {@value #ALLREDUCE_SECONDS} and {@value
     * #GATHER_SECONDS}, and its samples are those of every rank. Give checkpoints and listeners
     * that write files to rank 0 only.
     *
     * @param group this rank and its group; one rank (the default) trains alone
     * @return this builder
     */
    public Builder ranks(DataParallel group) {
      this.ranks = group;
      return this;
    }

    /**
     * Builds the loop.
     *
     * @return the loop
     */
    public TrainingLoop build() {
      return new TrainingLoop(this);
    }
  }
}
