package dev.fima.djl.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Progress;
import dev.fima.api.ConfigException;
import dev.fima.api.ConsoleProgress;
import dev.fima.api.DataException;
import dev.fima.api.FimaException;
import dev.fima.api.FimaRuntime;
import dev.fima.api.config.Configs;
import dev.fima.api.config.Devices;
import dev.fima.api.config.Method;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.RankShard;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.Pretrainer;
import dev.fima.api.jobs.Stoppable;
import dev.fima.api.jobs.TrainingStoppedException;
import dev.fima.api.random.Seeds;
import dev.fima.djl.loss.ContrastQueues;
import dev.fima.djl.loss.FimaLoss;
import dev.fima.djl.model.FeatureQueue;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.PretrainModelFactory;
import dev.fima.djl.nd.EngineThreads;
import dev.fima.djl.parallel.DataParallel;
import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.LossPlot;
import dev.fima.djl.train.MetricsLog;
import dev.fima.djl.train.MomentumSgd;
import dev.fima.djl.train.Position;
import dev.fima.djl.train.ProgressLine;
import dev.fima.djl.train.RunInfo;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.TrainingLoop;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pretraining, {@code fima pretrain} (sections 4, 6 and 7 of the method notes): FIMA or the MoCo
 * baseline, SGD with momentum and weight decay at a batch-scaled rate on a cosine, step or constant
 * schedule with optional warm-up and gradient clipping, on one device or several, run by the {@link
 * TrainingLoop} with {@link PretrainStep} as its step.
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
 * checkpoint therefore repeats the uninterrupted run's steps. {@link #requestStop} ends the run at
 * the next step boundary with a checkpoint there and a {@link TrainingStoppedException} saying
 * where and how to continue; a step whose loss or gradient is not finite is skipped, and {@code
 * checkpoint.maxSkippedSteps} consecutive skipped steps stop training with an error naming the last
 * good checkpoint (see {@link TrainingLoop}).
 *
 * <p>Started by {@code fima launch}, the run is one rank of a data-parallel group ({@link
 * DataParallel}): every rank loads its share of each batch ({@link RankShard}), starts from rank
 * 0's state, averages its gradients with the others' each step and keeps the same queues; only rank
 * 0 writes the run folder, and {@code batchSize} is the batch of all ranks together.
 */
public final class FimaPretrainer implements Pretrainer, Stoppable {

  private static final Logger LOG = LoggerFactory.getLogger(FimaPretrainer.class);

  /** Purpose tags of derived seeds ({@link PretrainStep#SEED_AUGMENT} is the augmentation's). */
  private static final long SEED_INIT = 11;

  private static final long SEED_ENGINE = 13;

  /** The resolved configuration written into the run folder. */
  public static final String CONFIG_FILE = "config.yaml";

  /** The loss plot written into the run folder at the end. */
  public static final String PLOT_FILE = "loss.png";

  private final PretrainDataSource data;
  private final PretrainModelFactory models;
  private final CheckpointStore.FolderWrites checkpointWrites;
  private final DataParallel.Joiner joiner;
  private final List<StepListener> extraListeners = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private boolean progressBar = true;
  private java.util.function.BiConsumer<PretrainModel, ContrastQueues> atEnd = (m, q) -> {};

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
   * Creates the loop with its own way of writing checkpoint folders; a run started by {@code fima
   * launch} joins its ranks ({@link DataParallel#fromEnvironment()}).
   *
   * @param data where batches and augmentation come from
   * @param models builds the model of a run
   * @param checkpointWrites writes checkpoint folders ({@link AtomicFiles#writeFolder})
   */
  public FimaPretrainer(
      PretrainDataSource data,
      PretrainModelFactory models,
      CheckpointStore.FolderWrites checkpointWrites) {
    this(data, models, checkpointWrites, DataParallel::fromEnvironment);
  }

  /**
   * Creates the loop with its own way of writing checkpoint folders.
   *
   * @param data where batches and augmentation come from
   * @param models builds the model of a run
   * @param checkpointWrites writes checkpoint folders ({@link AtomicFiles#writeFolder})
   * @param joiner joins the ranks of a data-parallel run (or gives the single rank of a plain one)
   */
  @Inject
  public FimaPretrainer(
      PretrainDataSource data,
      PretrainModelFactory models,
      CheckpointStore.FolderWrites checkpointWrites,
      DataParallel.Joiner joiner) {
    this.data = data;
    this.models = models;
    this.checkpointWrites = checkpointWrites;
    this.joiner = joiner;
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
   * Receives the model and the queues when a run ends, normally or on request, before they are
   * closed: for tests that compare the state of several ranks.
   */
  FimaPretrainer inspectAtEnd(java.util.function.BiConsumer<PretrainModel, ContrastQueues> hook) {
    this.atEnd = hook;
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
   * Asks the running loop to stop after the current step; it writes a checkpoint there and ends
   * with a {@link TrainingStoppedException}. Safe to call from another thread (a shutdown hook, for
   * example).
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
    try (DataParallel ranks = joiner.join();
        NDManager root = NDManager.newBaseManager(devices[0])) {
      PretrainValidation.checkRanks(config, ranks.worldSize(), devices.length);
      boolean leads = ranks.leads();
      engine.setRandomSeed((int) Seeds.derive(seed, SEED_INIT));
      PretrainModel model = models.create(config, root, devices);
      try (ContrastQueues queues = ContrastQueues.forModel(root, config.model(), seed);
          MomentumSgd sgd = MomentumSgd.of(config.optim(), root);
          // Opened (the dataset indexed and its splits checked) before the run folder is written,
          // so that a missing or unusable dataset leaves nothing behind.
          PretrainBatchLoader loader = openData(config, ranks)) {
        if (loader.batchesPerEpoch() < 1) {
          throw new ConfigException(
              "batchSize",
              "the dataset yields no full batch of " + config.batchSize() + " samples per epoch");
        }
        requireSame(ranks, loader.batchesPerEpoch(), "batches per epoch (the dataset differs)");
        FimaLoss loss = new FimaLoss(config.loss(), queues);
        Position position = Position.START;
        if (resumeCheckpoint != null) {
          try (NDManager loading = root.newSubManager()) {
            PretrainCheckpoint.State state =
                PretrainCheckpoint.restore(resumeCheckpoint, config, model, sgd, queues, loading);
            position = state.position();
            List<String> changed =
                PretrainCheckpoint.differences(state.config(), config, List.of());
            if (!changed.isEmpty() && leads) {
              LOG.warn(
                  "resuming {} with a changed configuration: {}",
                  resumeCheckpoint,
                  String.join("; ", changed));
            }
          }
        }
        requireSame(ranks, position.step(), "resumed step");
        startIdentical(ranks, model, sgd, queues, root);
        MetricsLog metrics = null;
        TrainingLoop.Builder loop =
            TrainingLoop.builder(sgd, model.block())
                .trainable(model.trainable())
                .name("training")
                .command(
                    ranks.worldSize() == 1
                        ? "fima pretrain"
                        : "fima launch <the same launch options> -- pretrain")
                .optim(config.optim(), config.batchSize(), config.epochs())
                .devices(devices)
                .seed(seed, SEED_ENGINE)
                .ranks(ranks)
                .stopWhen(stop::get);
        if (leads) {
          // Only rank 0 writes the run folder; the others train alike and write nothing.
          store
              .checkSpace(PretrainCheckpoint.estimatedBytes(model, queues))
              .ifPresent(warning -> LOG.warn("{}", warning));
          writeConfig(runDir, config, resumeCheckpoint);
          metrics = new MetricsLog(runDir.resolve(MetricsLog.FILE));
          metrics.truncateAfterStep(resumeCheckpoint == null ? -1 : position.step());
          LeftOutLog leftOut = new LeftOutLog(metrics, loader);
          leftOut.record(position);
          loop.checkpoints(
                  store,
                  config.checkpoint(),
                  (folder, at) -> PretrainCheckpoint.write(folder, config, at, model, sgd, queues))
              .listener(metrics);
          if (progressBar) {
            loop.listener(new ProgressLine(config.epochs(), loss.names(motion)));
          }
          loop.listeners(extraListeners).listener(leftOut);
        } else {
          loop.maxSkippedSteps(config.checkpoint().maxSkippedSteps()).listeners(extraListeners);
        }
        PretrainStep step =
            new PretrainStep(model, loss, data.augmenter(config), seed, motion, ranks);
        TrainingLoop.Result finished;
        try {
          finished = loop.build().run(root, loader, step, position, resumeCheckpoint);
        } catch (TrainingStoppedException stopped) {
          atEnd.accept(model, queues);
          if (metrics != null) {
            plot(runDir, metrics, loss.names(motion));
          }
          throw stopped;
        }
        atEnd.accept(model, queues);
        if (metrics != null) {
          plot(runDir, metrics, loss.names(motion));
        }
        return new PretrainResult(
            runDir,
            leads ? finished.lastCheckpoint() : null,
            finished.position().epoch(),
            finished.position().step(),
            finished.lastEpochMeans(),
            (System.nanoTime() - started) / 1e9,
            loader.stats().quarantine());
      }
    }
  }

  /** How long the other ranks wait for rank 0 to index the dataset before they open it. */
  private static final java.time.Duration PREPARE_TIMEOUT = java.time.Duration.ofHours(24);

  /**
   * Opens this rank's loader. In a data-parallel run rank 0 opens it first (indexing the videos
   * into the clip index cache beside them), then the others, which on the same machine or a shared
   * folder read that cache instead of decoding every video again.
   */
  private PretrainBatchLoader openData(PretrainConfig config, DataParallel ranks) {
    Progress progress = progressBar ? new ConsoleProgress() : null;
    if (ranks.worldSize() == 1) {
      return data.open(config, progress);
    }
    RankShard shard = new RankShard(ranks.rank(), ranks.worldSize());
    PretrainBatchLoader loader = ranks.leads() ? data.open(config, shard, progress) : null;
    ranks.barrier(PREPARE_TIMEOUT);
    return loader != null ? loader : data.open(config, shard, progress);
  }

  /**
   * Makes every rank start from rank 0's state: the parameters of both sides (batch-norm statistics
   * included), the SGD momentum of a resumed run and the queues' entries. Every rank builds them
   * from the same seed (or reads the same checkpoint), so this only makes sure.
   */
  private static void startIdentical(
      DataParallel ranks,
      PretrainModel model,
      MomentumSgd sgd,
      ContrastQueues queues,
      NDManager root) {
    if (ranks.worldSize() == 1) {
      return;
    }
    List<NDArray> state = new ArrayList<>();
    NamedParameters.of(model.block()).values().forEach(p -> state.add(p.getArray()));
    queues.byName().values().forEach(q -> state.add(q.features()));
    try (NDManager scope = root.newSubManager()) {
      Map<String, Parameter> trained = NamedParameters.of(model.trainable());
      NDList momentum = sgd.state(trained, scope);
      requireSame(ranks, momentum.size(), "momentum buffers");
      state.addAll(momentum);
      ranks.broadcast(state);
      if (!momentum.isEmpty()) {
        sgd.restore(trained, momentum);
      }
    }
    for (FeatureQueue q : queues.byName().values()) {
      requireSame(ranks, q.pointer(), "queue pointer");
    }
  }

  /** Fails, naming every rank's value, unless all ranks have the same. */
  private static void requireSame(DataParallel ranks, long value, String what) {
    long[] all = ranks.allGather(value);
    for (long v : all) {
      if (v != all[0]) {
        throw new FimaException(
            "rank "
                + ranks.rank()
                + " of "
                + ranks.worldSize()
                + ": the ranks disagree on the "
                + what
                + ": "
                + java.util.Arrays.toString(all)
                + " in rank order");
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
    LossPlot.ofRun(metrics, terms, "pretraining loss", runDir.resolve(PLOT_FILE));
  }
}
