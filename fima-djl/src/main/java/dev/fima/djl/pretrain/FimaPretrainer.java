package dev.fima.djl.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fima.api.ConfigException;
import dev.fima.api.ConsoleProgress;
import dev.fima.api.DataException;
import dev.fima.api.FimaException;
import dev.fima.api.FimaRuntime;
import dev.fima.api.config.Configs;
import dev.fima.api.config.Devices;
import dev.fima.api.config.Method;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.Pretrainer;
import dev.fima.api.jobs.Stoppable;
import dev.fima.api.random.Seeds;
import dev.fima.djl.loss.ContrastQueues;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.PretrainModelFactory;
import dev.fima.djl.nd.EngineThreads;
import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.ClippingParameterServer;
import dev.fima.djl.train.Divergence;
import dev.fima.djl.train.EpochRecord;
import dev.fima.djl.train.LearningRateSchedule;
import dev.fima.djl.train.LossPlot;
import dev.fima.djl.train.MetricsLog;
import dev.fima.djl.train.MomentumSgd;
import dev.fima.djl.train.ProgressLine;
import dev.fima.djl.train.RunInfo;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.StepRecord;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pretraining loop of {@code fima pretrain} (sections 4, 6 and 7 of the method notes): FIMA or
 * the MoCo baseline, SGD with momentum and weight decay at a batch-scaled rate on a cosine, step or
 * constant schedule with optional warm-up and gradient clipping, on one device or several.
 *
 * <p>The run folder ({@code run.output}) receives {@code config.yaml} (the resolved configuration,
 * written first), {@code run-info.json} (seed and software versions, see {@link RunInfo}), {@code
 * metrics.jsonl} (one line per step and per epoch), {@code checkpoints/} (the newest {@code
 * checkpoint.keep} checkpoints, see {@link PretrainCheckpoint}) and {@code loss.png} (every loss
 * term over steps) at the end.
 *
 * <p>Every random choice derives from {@code run.seed} and the position: the model's initial
 * values, the queues' initial entries, the loader's epoch order (its own contract), each step's
 * augmentation seed and the engine seed set before each step (dropout). A run resumed from a
 * checkpoint therefore repeats the uninterrupted run's steps. The loop stops cleanly at a step
 * boundary when {@link #requestStop} is called (writing a checkpoint first), and skips a step whose
 * loss or gradient is not finite; {@code checkpoint.maxSkippedSteps} consecutive skipped steps stop
 * training with an error naming the last good checkpoint, and no checkpoint is ever written from a
 * state holding a non-finite value.
 */
public final class FimaPretrainer implements Pretrainer, Stoppable {

  private static final Logger LOG = LoggerFactory.getLogger(FimaPretrainer.class);

  /** Purpose tags of derived seeds. */
  private static final long SEED_INIT = 11;

  private static final long SEED_AUGMENT = 12;
  private static final long SEED_ENGINE = 13;

  /** The resolved configuration written into the run folder. */
  public static final String CONFIG_FILE = "config.yaml";

  /** The loss plot written into the run folder at the end. */
  public static final String PLOT_FILE = "loss.png";

  private final PretrainDataSource data;
  private final PretrainModelFactory models;
  private final CheckpointStore.FolderWrites checkpointWrites;
  private final List<StepListener> extraListeners = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private boolean progressBar = true;

  /**
   * Creates the loop.
   *
   * @param data where batches and augmentation come from
   * @param models builds the model of a run
   */
  public FimaPretrainer(PretrainDataSource data, PretrainModelFactory models) {
    this(data, models, AtomicFiles::writeFolder);
  }

  /**
   * Creates the loop with its own way of writing checkpoint folders.
   *
   * @param data where batches and augmentation come from
   * @param models builds the model of a run
   * @param checkpointWrites writes checkpoint folders ({@link AtomicFiles#writeFolder})
   */
  @Inject
  public FimaPretrainer(
      PretrainDataSource data,
      PretrainModelFactory models,
      CheckpointStore.FolderWrites checkpointWrites) {
    this.data = data;
    this.models = models;
    this.checkpointWrites = checkpointWrites;
  }

  /**
   * Adds a listener that receives every step and epoch, besides the metrics log and progress line.
   *
   * @param listener the listener
   * @return this loop
   */
  public FimaPretrainer addListener(StepListener listener) {
    extraListeners.add(listener);
    return this;
  }

  /**
   * Turns the console progress line on or off (on by default).
   *
   * @param show whether to show it
   * @return this loop
   */
  public FimaPretrainer showProgress(boolean show) {
    this.progressBar = show;
    return this;
  }

  /**
   * Asks the running loop to stop after the current step; it writes a checkpoint there and returns.
   * Safe to call from another thread (a shutdown hook, for example).
   */
  @Override
  public void requestStop() {
    stop.set(true);
  }

  @Override
  public PretrainResult pretrain(PretrainConfig config, Path resumeFrom) {
    long started = System.nanoTime();
    EngineThreads.apply(config.run().threads());
    Device[] devices = Devices.resolve(config.run().device());
    PretrainValidation.check(config, devices.length);
    Path runDir = Path.of(config.run().output());
    CheckpointStore store =
        new CheckpointStore(
            runDir.resolve(CheckpointStore.FOLDER), config.checkpoint().keep(), checkpointWrites);
    Path resumeCheckpoint = resumeFrom == null ? null : CheckpointStore.resolve(resumeFrom);
    if (resumeCheckpoint == null && store.latest().isPresent()) {
      throw new ConfigException(
          "run.output",
          runDir
              + " already holds checkpoints of a run: continue it with --resume "
              + runDir
              + ", or choose another output folder");
    }
    stop.set(false);
    Engine engine = FimaRuntime.engine();
    long seed = config.run().seed();
    boolean motion = config.model().method() == Method.FIMA;
    try (NDManager root = NDManager.newBaseManager(devices[0])) {
      engine.setRandomSeed((int) Seeds.derive(seed, SEED_INIT));
      PretrainModel model = models.create(config, root, devices);
      try (ContrastQueues queues = ContrastQueues.forModel(root, config.model(), seed);
          MomentumSgd sgd =
              MomentumSgd.builder()
                  .optMomentum(config.optim().momentum())
                  .optWeightDecays((float) config.optim().weightDecay())
                  .build(root);
          ClippingParameterServer server =
              new ClippingParameterServer(sgd, config.optim().gradClip());
          // Opened (the dataset indexed and its splits checked) before the run folder is written,
          // so that a missing or unusable dataset leaves nothing behind.
          PretrainBatchLoader loader =
              data.open(config, progressBar ? new ConsoleProgress() : null)) {
        if (loader.batchesPerEpoch() < 1) {
          throw new ConfigException(
              "batchSize",
              "the dataset yields no full batch of " + config.batchSize() + " samples per epoch");
        }
        FimaLoss loss = new FimaLoss(config.loss(), queues);
        Position position = Position.START;
        if (resumeCheckpoint != null) {
          try (NDManager loading = root.newSubManager()) {
            PretrainCheckpoint.State state =
                PretrainCheckpoint.restore(resumeCheckpoint, config, model, sgd, queues, loading);
            position = state.position();
            List<String> changed =
                PretrainCheckpoint.differences(state.config(), config, List.of());
            if (!changed.isEmpty()) {
              LOG.warn(
                  "resuming {} with a changed configuration: {}",
                  resumeCheckpoint,
                  String.join("; ", changed));
            }
          }
        }
        store
            .checkSpace(PretrainCheckpoint.estimatedBytes(model, queues))
            .ifPresent(warning -> LOG.warn("{}", warning));
        writeConfig(runDir, config, resumeCheckpoint);
        MetricsLog metrics = new MetricsLog(runDir.resolve(MetricsLog.FILE));
        metrics.truncateAfterStep(resumeCheckpoint == null ? -1 : position.step());
        List<StepListener> listeners = new ArrayList<>();
        listeners.add(metrics);
        if (progressBar) {
          listeners.add(new ProgressLine(config.epochs(), loss.names(motion)));
        }
        listeners.addAll(extraListeners);
        Run run =
            new Run(
                config,
                model,
                loss,
                sgd,
                queues,
                new PretrainStep(model, loss, server, devices),
                store,
                listeners,
                motion);
        Run.Finished finished = run.train(root, loader, position, resumeCheckpoint);
        plot(runDir, metrics, loss.names(motion));
        return new PretrainResult(
            runDir,
            finished.lastCheckpoint(),
            finished.position().epoch(),
            finished.position().step(),
            finished.lastEpochMeans(),
            (System.nanoTime() - started) / 1e9,
            finished.position().batch(),
            loader.batchesPerEpoch(),
            finished.leftOut());
      }
    }
  }

  private static void writeConfig(Path runDir, PretrainConfig config, Path resumedFrom) {
    try {
      Files.createDirectories(runDir);
      AtomicFiles.writeString(runDir.resolve(CONFIG_FILE), Configs.toYaml(config));
      RunInfo.write(runDir, config.run().seed(), resumedFrom);
    } catch (IOException e) {
      throw DataException.cannotWrite(runDir, "the run's configuration", e);
    }
  }

  private static void plot(Path runDir, MetricsLog metrics, List<String> names) {
    List<String> terms =
        names.stream().filter(n -> !n.endsWith("_acc") && !n.endsWith("_kept")).toList();
    try {
      LossPlot.fromMetrics(metrics.read(), terms, "pretraining loss", runDir.resolve(PLOT_FILE));
    } catch (IOException | RuntimeException e) {
      // A missing plot must not lose a finished run.
      LOG.warn("could not write the loss plot: {}", e.toString());
    }
  }

  /** One run of the loop, from a position to the end or to a stop request. */
  private final class Run {

    record Finished(
        Position position,
        Path lastCheckpoint,
        Map<String, Double> lastEpochMeans,
        List<QuarantineEntry> leftOut) {}

    private final PretrainConfig config;
    private final PretrainModel model;
    private final MomentumSgd sgd;
    private final ContrastQueues queues;
    private final PretrainStep step;
    private final CheckpointStore store;
    private final List<StepListener> listeners;
    private final boolean motion;
    private final LearningRateSchedule schedule;
    private Path lastCheckpoint;
    private long lastCheckpointStep = -1;
    private int consecutiveSkipped;

    Run(
        PretrainConfig config,
        PretrainModel model,
        FimaLoss loss,
        MomentumSgd sgd,
        ContrastQueues queues,
        PretrainStep step,
        CheckpointStore store,
        List<StepListener> listeners,
        boolean motion) {
      this.config = config;
      this.model = model;
      this.sgd = sgd;
      this.queues = queues;
      this.step = step;
      this.store = store;
      this.listeners = listeners;
      this.motion = motion;
      this.schedule = LearningRateSchedule.of(config.optim(), config.batchSize(), config.epochs());
    }

    Finished train(NDManager root, PretrainBatchLoader loader, Position start, Path resumedFrom) {
      Engine engine = Engine.getInstance();
      long seed = config.run().seed();
      Position position = start;
      lastCheckpoint = resumedFrom;
      lastCheckpointStep = resumedFrom == null ? -1 : start.step();
      Map<String, Double> lastMeans = Map.of();
      LeftOutLog leftOut = new LeftOutLog(metrics());
      leftOut.record(loader, position);
      PretrainAugmenter augmenter = data.augmenter(config);
      int perEpoch = loader.batchesPerEpoch();
      while (position.epoch() < config.epochs()) {
        int epoch = position.epoch();
        EpochMeans means = new EpochMeans();
        long epochStart = System.nanoTime();
        Iterator<PretrainBatch> batches = loader.epoch(root, epoch, position.batch());
        while (position.epoch() == epoch) {
          long t0 = System.nanoTime();
          if (!batches.hasNext()) {
            throw new FimaException(
                "the loader ended epoch "
                    + epoch
                    + " after batch "
                    + position.batch()
                    + " of "
                    + perEpoch);
          }
          PretrainBatch batch = batches.next();
          double dataSeconds = (System.nanoTime() - t0) / 1e9;
          int batchIndex = position.batch();
          double lr = schedule.rate(epoch, batchIndex, perEpoch);
          sgd.setLearningRate(lr);
          PretrainStep.Outcome outcome;
          try (NDManager stepManager = root.newSubManager()) {
            batch.arrays().attach(stepManager);
            engine.setRandomSeed((int) Seeds.derive(seed, SEED_ENGINE, epoch, batchIndex));
            FimaInputs inputs =
                augmenter.augment(
                    batch, Seeds.derive(seed, SEED_AUGMENT, epoch, batchIndex), motion);
            outcome = step.run(inputs, stepManager);
          }
          position = position.next(perEpoch);
          double seconds = (System.nanoTime() - t0) / 1e9;
          StepRecord record =
              new StepRecord(
                  epoch,
                  batchIndex,
                  perEpoch,
                  position.step(),
                  lr,
                  outcome.values(),
                  batch.size(),
                  seconds,
                  dataSeconds,
                  outcome.skipped());
          means.add(record);
          if (outcome.skipped()) {
            LOG.warn(
                "step {} (epoch {}, batch {}) skipped: loss {} gradient norm {}{}",
                position.step(),
                epoch,
                batchIndex,
                outcome.values().get(FimaLoss.TOTAL),
                outcome.values().get("grad_norm"),
                nonFiniteNote(step.nonFiniteParameters()));
            consecutiveSkipped++;
            if (consecutiveSkipped >= config.checkpoint().maxSkippedSteps()) {
              for (StepListener l : listeners) {
                l.onStep(record);
              }
              throw diverged(position);
            }
          } else {
            consecutiveSkipped = 0;
          }
          for (StepListener l : listeners) {
            l.onStep(record);
          }
          leftOut.record(loader, position);
          int everySteps = config.checkpoint().everySteps();
          if (everySteps > 0 && position.step() % everySteps == 0) {
            checkpoint(position);
          }
          if (stop.get()) {
            checkpoint(position);
            return new Finished(position, lastCheckpoint, lastMeans, loader.stats().quarantine());
          }
        }
        EpochRecord summary =
            means.summary(epoch, position.step(), (System.nanoTime() - epochStart) / 1e9);
        lastMeans = summary.means();
        for (StepListener l : listeners) {
          l.onEpoch(summary);
        }
        if ((epoch + 1) % config.checkpoint().everyEpochs() == 0 || epoch + 1 == config.epochs()) {
          checkpoint(position);
        }
      }
      return new Finished(position, lastCheckpoint, lastMeans, loader.stats().quarantine());
    }

    private MetricsLog metrics() {
      for (StepListener l : listeners) {
        if (l instanceof MetricsLog m) {
          return m;
        }
      }
      throw new IllegalStateException("the run has no metrics log");
    }

    private FimaException diverged(Position position) {
      return new FimaException(
          Divergence.message(
                  "training",
                  position.step(),
                  consecutiveSkipped,
                  config.checkpoint().maxSkippedSteps(),
                  lastCheckpoint)
              + ", then resume with --resume "
              + store.directory().getParent());
    }

    private void checkpoint(Position position) {
      if (position.step() == lastCheckpointStep) {
        return;
      }
      try {
        lastCheckpoint =
            store.write(
                position.step(),
                folder -> PretrainCheckpoint.write(folder, config, position, model, sgd, queues));
        lastCheckpointStep = position.step();
      } catch (IOException e) {
        throw new DataException(
            store.directory(),
            "cannot write the checkpoint of step "
                + position.step()
                + ": "
                + DataException.reason(e)
                + (lastCheckpoint == null
                    ? "; no checkpoint was written before it, so this run has to start again"
                    : "; the last good checkpoint, "
                        + lastCheckpoint
                        + ", is kept: free some space, then continue with --resume "
                        + store.directory().getParent()),
            e);
      }
    }
  }

  private static String nonFiniteNote(List<String> parameters) {
    if (parameters.isEmpty()) {
      return "";
    }
    int shown = Math.min(5, parameters.size());
    return "; non-finite gradients in "
        + parameters.size()
        + " parameters, first "
        + String.join(", ", parameters.subList(0, shown));
  }

  /** Sums of every value over an epoch's completed steps. */
  private static final class EpochMeans {
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int steps;
    private int skipped;
    private long samples;
    private double dataSeconds;

    void add(StepRecord r) {
      steps++;
      samples += r.samples();
      dataSeconds += r.dataSeconds();
      if (r.skipped()) {
        skipped++;
        return;
      }
      for (Map.Entry<String, Double> e : r.values().entrySet()) {
        sums.merge(e.getKey(), e.getValue(), Double::sum);
      }
    }

    EpochRecord summary(int epoch, long step, double wall) {
      Map<String, Double> means = new LinkedHashMap<>();
      int counted = steps - skipped;
      for (Map.Entry<String, Double> e : sums.entrySet()) {
        means.put(e.getKey(), counted == 0 ? Double.NaN : e.getValue() / counted);
      }
      return new EpochRecord(epoch, step, means, steps, skipped, samples, wall, dataSeconds);
    }
  }

  /**
   * Writes each video the loader leaves out into {@code metrics.jsonl} once, as a {@code left_out}
   * line with the step, the file, the reason and the run's count so far (the console line comes
   * from the loader the moment it happens). A resumed run keeps the lines of the steps it repeats
   * from and does not write them again.
   */
  private static final class LeftOutLog {
    private final MetricsLog metrics;
    private final java.util.Set<String> written = new java.util.HashSet<>();

    LeftOutLog(MetricsLog metrics) {
      this.metrics = metrics;
      for (Map<String, Object> r : metrics.read()) {
        if ("left_out".equals(r.get("type"))) {
          written.add(String.valueOf(r.get("video")));
        }
      }
    }

    void record(PretrainBatchLoader loader, Position position) {
      for (QuarantineEntry e : loader.stats().quarantine()) {
        if (written.add(e.video().toString())) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("type", "left_out");
          line.put("epoch", position.epoch());
          line.put("step", position.step());
          line.put("video", e.video().toString());
          line.put("reason", e.reason());
          line.put("left_out_videos", written.size());
          metrics.append(line);
        }
      }
    }
  }
}
