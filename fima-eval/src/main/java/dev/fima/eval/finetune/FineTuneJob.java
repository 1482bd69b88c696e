package dev.fima.eval.finetune;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fima.api.ConfigException;
import dev.fima.api.ConsoleProgress;
import dev.fima.api.DataException;
import dev.fima.api.FimaException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.Configs;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.OptimConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.io.ParameterFiles;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.FineTuner;
import dev.fima.api.jobs.Stoppable;
import dev.fima.api.jobs.TrainingStoppedException;
import dev.fima.api.random.Seeds;
import dev.fima.djl.train.BatchNormStatistics;
import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.ClippingParameterServer;
import dev.fima.djl.train.Divergence;
import dev.fima.djl.train.EpochRecord;
import dev.fima.djl.train.LearningRateSchedule;
import dev.fima.djl.train.LossPlot;
import dev.fima.djl.train.MetricsLog;
import dev.fima.djl.train.MomentumSgd;
import dev.fima.djl.train.ProgressLine;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.StepRecord;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.OpenedBackbone;
import dev.fima.eval.backbone.ParameterDigest;
import dev.fima.eval.classify.FineTunedModel;
import dev.fima.eval.classify.MultiClipEvaluation;
import dev.fima.eval.classify.VideoClassifier;
import dev.fima.eval.probe.StratifiedSplit;
import dev.fima.eval.report.ClassificationFiles;
import dev.fima.eval.report.Notes;
import dev.fima.eval.report.Protocol;
import dev.fima.eval.report.ReportWriter;
import dev.fima.eval.session.EvalSession;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fima finetune}: the whole network (backbone, dropout, linear head) trained with softmax
 * cross-entropy, batch-norm in training mode, the train loader's random window, resized crop and
 * flip plus the device colour augmentation (section 8 of the method notes), momentum SGD with a
 * step or cosine schedule, checkpoints and resume. The last epoch is saved as {@code
 * <output>/model} (what {@code fima test --model} loads) and tested with N clips x M crops. With a
 * validation part carved from the training split ({@code valFraction > 0}) the epoch with the best
 * validation top-1 is kept as {@code <output>/best-model} and tested too, reported next to, never
 * instead of, the last epoch; the test split never chooses anything.
 *
 * <p>{@link #requestStop} ends the run at the next step boundary with a checkpoint there (a {@link
 * TrainingStoppedException} says where and how to resume); {@code checkpoint.maxSkippedSteps}
 * consecutive steps with a non-finite loss or gradient stop it with an error, and no checkpoint is
 * written from a state holding a non-finite value.
 */
public final class FineTuneJob implements FineTuner, Stoppable {

  /** Report and file names of this task. */
  public static final String TASK = "finetune";

  /** Folder of the last epoch's model, what {@code fima test --model} loads. */
  public static final String MODEL = "model";

  /** Folder of the best validation epoch's model. */
  public static final String BEST_MODEL = "best-model";

  private static final Logger LOG = LoggerFactory.getLogger(FineTuneJob.class);

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** Name of the loss plot in the output folder. */
  public static final String PLOT_FILE = TASK + "-loss.png";

  private static final String MODEL_PARAMS = "model.params";

  /** Purpose tag of the per-step engine seeds (dropout). */
  private static final long SEED_DROPOUT = 17;

  private static final String OPTIMIZER_STATE = "optimizer.ndlist";
  private static final String STATE = "state.json";

  private final SupervisedDataSource source;
  private final BackboneProvider backbones;
  private boolean progressBar = true;
  private final AtomicBoolean stop = new AtomicBoolean();

  /**
   * Creates the job.
   *
   * @param source the labelled data
   * @param backbones opens the backbone and writes fine-tuned ones
   */
  @Inject
  public FineTuneJob(SupervisedDataSource source, BackboneProvider backbones) {
    this.source = source;
    this.backbones = backbones;
  }

  /**
   * Turns the console progress line on or off (on by default).
   *
   * @param show whether to show it
   * @return this job
   */
  public FineTuneJob showProgress(boolean show) {
    this.progressBar = show;
    return this;
  }

  @Override
  public void requestStop() {
    stop.set(true);
  }

  @Override
  public EvalReport finetune(FinetuneConfig config, Path resumeFrom) {
    stop.set(false);
    BackboneSpec spec = BackboneSpec.parse("backbone", config.backbone());
    try (EvalSession session = EvalSession.open(config.data(), config.run(), source)) {
      return new Run(config, spec, session).execute(resumeFrom);
    }
  }

  /** One fine-tuning run: its model, data parts and state. */
  private final class Run {
    private final FinetuneConfig config;
    private final BackboneSpec spec;
    private final EvalSession session;
    private final NDManager manager;
    private final long seed;
    private final List<VideoEntry> fit;
    private final List<VideoEntry> validation;
    private final ClipAugmenter augmenter;
    private final Path out;
    private VideoClassifier model;
    private OpenedBackbone backbone;
    private String initialDigest;

    Run(FinetuneConfig config, BackboneSpec spec, EvalSession session) {
      this.config = config;
      this.spec = spec;
      this.session = session;
      this.manager = session.manager();
      this.seed = config.run().seed();
      this.out = session.output();
      this.augmenter = source.augmenter(config.augment());
      List<VideoEntry> train = session.videos(Split.TRAIN);
      if (config.valFraction() > 0) {
        int[] labels = train.stream().mapToInt(VideoEntry::label).toArray();
        StratifiedSplit split =
            StratifiedSplit.of(labels, session.classes(), config.valFraction(), seed);
        if (split.validation().length == 0) {
          throw new ConfigException(
              "valFraction", "no class has two training videos to hold one out for validation");
        }
        fit = pick(train, split.train());
        validation = pick(train, split.validation());
      } else {
        fit = train;
        validation = List.of();
      }
    }

    /** Training videos the loader left out (undecodable, or truncated and skipped). */
    private List<QuarantineEntry> trainLeftOut = List.of();

    EvalReport execute(Path resumeFrom) {
      Path checkpoint = resumeFrom == null ? null : CheckpointStore.resolve(resumeFrom);
      CheckpointStore store =
          new CheckpointStore(out.resolve(CheckpointStore.FOLDER), config.checkpoint().keep());
      if (checkpoint == null && store.latest().isPresent()) {
        throw new ConfigException(
            "run.output",
            out
                + " already holds checkpoints of a fine-tuning run: continue it with --resume "
                + out
                + ", or choose another output folder");
      }
      Engine.getInstance().setRandomSeed((int) Seeds.derive(seed, 1));
      backbone = backbones.open(spec, config.clip(), manager, seed);
      initialDigest = ParameterDigest.of(backbone.block());
      model = new VideoClassifier(backbone.block(), session.classes(), (float) config.dropout());
      model.initialize(
          manager,
          DataType.FLOAT32,
          new Shape(1, 3, config.clip().frames(), config.clip().crop(), config.clip().crop()));

      OptimConfig o = config.optim();
      FinetuneState state = FinetuneState.start();
      MetricsLog metrics = new MetricsLog(out.resolve(MetricsLog.FILE));
      try (LabeledBatchLoader loader =
              source.trainLoader(
                  config.data(),
                  config.clip(),
                  config.augment(),
                  fit,
                  config.batchSize(),
                  seed,
                  progressBar ? new ConsoleProgress() : null);
          MomentumSgd sgd =
              MomentumSgd.builder()
                  .optMomentum(o.momentum())
                  .optWeightDecays((float) o.weightDecay())
                  .build(manager);
          ClippingParameterServer server = new ClippingParameterServer(sgd, o.gradClip())) {
        if (loader.batchesPerEpoch() == 0) {
          throw new ConfigException(
              "batchSize",
              config.batchSize()
                  + " is more than the "
                  + fit.size()
                  + " usable training videos: not one full batch per epoch");
        }
        if (checkpoint != null) {
          state = restore(checkpoint, sgd);
        }
        metrics.truncateAfterStep(checkpoint == null ? -1 : state.step());
        List<StepListener> listeners = new ArrayList<>();
        listeners.add(metrics);
        if (progressBar) {
          listeners.add(new ProgressLine(config.epochs(), List.of("loss", "accuracy")));
        }
        try {
          state = train(loader, sgd, server, store, listeners, state);
        } catch (TrainingStoppedException stopped) {
          // A stopped run keeps its curves so far, as a finished one does.
          plot(metrics);
          throw stopped;
        }
        trainLeftOut = loader.stats().quarantine();
      } catch (IOException e) {
        throw new DataException(out, "cannot write the run's files: " + e.getMessage(), e);
      }
      plot(metrics);
      return finish(state, checkpoint);
    }

    private FinetuneState train(
        LabeledBatchLoader loader,
        MomentumSgd sgd,
        ClippingParameterServer server,
        CheckpointStore store,
        List<StepListener> listeners,
        FinetuneState start)
        throws IOException {
      LearningRateSchedule schedule =
          LearningRateSchedule.of(config.optim(), config.batchSize(), config.epochs());
      Device[] devices = {session.device()};
      Loss loss = Loss.softmaxCrossEntropyLoss();
      int batches = loader.batchesPerEpoch();
      long step = start.step();
      List<Map<String, Double>> validations = new ArrayList<>(start.validations());
      int bestEpoch = start.bestEpoch();
      double bestTop1 = start.bestValidationTop1();
      int consecutiveSkipped = 0;
      Path lastCheckpoint = null;
      BatchNormStatistics statistics = BatchNormStatistics.of(model);
      for (int epoch = start.nextEpoch(); epoch < config.epochs(); epoch++) {
        int first = epoch == start.nextEpoch() ? start.nextBatch() : 0;
        double lossSum = 0;
        double accuracySum = 0;
        long samples = 0;
        int steps = 0;
        int skipped = 0;
        long epochStart = System.nanoTime();
        double epochData = 0;
        try (NDManager epochScope = manager.newSubManager()) {
          Iterator<LabeledBatch> it = loader.epoch(epochScope, epoch, first);
          int b = first;
          while (true) {
            long waitStart = System.nanoTime();
            if (!it.hasNext()) {
              break;
            }
            LabeledBatch batch = it.next();
            double dataSeconds = (System.nanoTime() - waitStart) / 1e9;
            long stepStart = System.nanoTime();
            int n = batch.size();
            double lr = schedule.rate(epoch, b, batches);
            sgd.setLearningRate(lr);
            Map<String, Double> values = new LinkedHashMap<>();
            boolean skip;
            try (NDManager stepScope = epochScope.newSubManager()) {
              NDList statisticsBefore = statistics.capture(stepScope);
              batch.clips().attach(stepScope);
              batch.labels().attach(stepScope);
              ParameterStore parameters = new ParameterStore(stepScope, false);
              parameters.setParameterServer(server, devices);
              // Dropout draws from the engine's generator: seeding it per step from the position
              // makes a resumed run repeat the uninterrupted one (the generator is not saved).
              Engine.getInstance().setRandomSeed((int) Seeds.derive(seed, SEED_DROPOUT, epoch, b));
              NDArray x = augmenter.augment(batch.clips(), Seeds.derive(seed, epoch, b));
              NDArray labels = batch.labels().toType(DataType.INT64, false);
              try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(parameters, new NDList(x), true).singletonOrThrow();
                NDArray l = loss.evaluate(new NDList(labels), new NDList(logits));
                values.put("loss", (double) l.getFloat());
                values.put(
                    "accuracy",
                    logits.argMax(1).eq(labels).sum().toType(DataType.FLOAT32, false).getFloat()
                        / (double) n);
                skip = !Double.isFinite(values.get("loss"));
                if (!skip) {
                  gc.backward(l);
                }
              }
              double norm = Double.NaN;
              if (skip) {
                server.discardStep();
              } else {
                parameters.updateAllParameters();
                norm = server.finishStep();
                skip = !Double.isFinite(norm);
              }
              values.put("grad_norm", norm);
              if (skip) {
                statistics.restore(statisticsBefore);
              }
            }
            step++;
            b++;
            steps++;
            if (skip) {
              skipped++;
            } else {
              lossSum += values.get("loss") * n;
              accuracySum += values.get("accuracy") * n;
              samples += n;
            }
            epochData += dataSeconds;
            StepRecord record =
                new StepRecord(
                    epoch,
                    b - 1,
                    batches,
                    step,
                    lr,
                    values,
                    n,
                    (System.nanoTime() - stepStart) / 1e9 + dataSeconds,
                    dataSeconds,
                    skip);
            listeners.forEach(l -> l.onStep(record));
            consecutiveSkipped = skip ? consecutiveSkipped + 1 : 0;
            if (consecutiveSkipped >= config.checkpoint().maxSkippedSteps()) {
              throw new FimaException(
                  Divergence.message(
                          "fine-tuning",
                          step,
                          consecutiveSkipped,
                          config.checkpoint().maxSkippedSteps(),
                          store.latest().orElse(null))
                      + ".");
            }
            int everySteps = config.checkpoint().everySteps();
            // A stop at an epoch's last batch waits for the epoch's end (validation, checkpoint).
            boolean stopping = stop.get() && b < batches;
            if (b < batches && (stopping || (everySteps > 0 && step % everySteps == 0))) {
              lastCheckpoint =
                  checkpoint(
                      store,
                      sgd,
                      new FinetuneState(epoch, b, step, validations, bestEpoch, bestTop1));
            }
            if (stopping) {
              throw stopped(
                  ProgressLine.position(epoch, b, batches, config.epochs()), step, lastCheckpoint);
            }
          }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        means.put("loss", samples == 0 ? Double.NaN : lossSum / samples);
        means.put("accuracy", samples == 0 ? Double.NaN : accuracySum / samples);
        boolean last = epoch == config.epochs() - 1;
        if (!validation.isEmpty() && ((epoch + 1) % config.valEveryEpochs() == 0 || last)) {
          MultiClipEvaluation.Result r = evaluate(model, validation);
          Map<String, Double> point = new LinkedHashMap<>();
          point.put("epoch", (double) (epoch + 1));
          point.putAll(r.metrics().asMetrics(5));
          validations.add(point);
          means.put("validation_top1", r.metrics().top1());
          if (r.metrics().top1() > bestTop1) {
            bestTop1 = r.metrics().top1();
            bestEpoch = epoch + 1;
            FineTunedModel.save(
                model,
                session.catalog().classNames(),
                Map.of("epoch", bestEpoch, "validationTop1", bestTop1),
                backbones,
                out.resolve(BEST_MODEL),
                manager);
          }
        }
        EpochRecord record =
            new EpochRecord(
                epoch,
                step,
                means,
                steps,
                skipped,
                samples,
                (System.nanoTime() - epochStart) / 1e9,
                epochData);
        listeners.forEach(l -> l.onEpoch(record));
        boolean stopping = stop.get() && !last;
        if ((epoch + 1) % config.checkpoint().everyEpochs() == 0 || last || stopping) {
          lastCheckpoint =
              checkpoint(
                  store,
                  sgd,
                  new FinetuneState(epoch + 1, 0, step, validations, bestEpoch, bestTop1));
        }
        if (stopping) {
          throw stopped(
              ProgressLine.position(epoch + 1, 0, batches, config.epochs()), step, lastCheckpoint);
        }
      }
      return new FinetuneState(config.epochs(), 0, step, validations, bestEpoch, bestTop1);
    }

    private TrainingStoppedException stopped(String where, long step, Path checkpoint) {
      return new TrainingStoppedException(
          "fine-tuning stopped on request after step "
              + step
              + " ("
              + where
              + "); checkpoint "
              + checkpoint
              + ". Continue with: fima finetune --resume "
              + out
              + " (and the same options)",
          checkpoint);
    }

    private Path checkpoint(CheckpointStore store, MomentumSgd sgd, FinetuneState state)
        throws IOException {
      return store.write(
          state.step(),
          folder -> {
            NamedParameters.requireFinite(model, state.step());
            ParameterFiles.save(model, folder.resolve(MODEL_PARAMS), manager);
            try (NDManager scratch = manager.newSubManager();
                OutputStream os =
                    new BufferedOutputStream(
                        Files.newOutputStream(folder.resolve(OPTIMIZER_STATE)))) {
              sgd.state(NamedParameters.of(model), scratch).encode(os);
            }
            Files.writeString(folder.resolve(STATE), JSON.writeValueAsString(state));
            Files.writeString(folder.resolve("config.yaml"), Configs.toYaml(config));
          });
    }

    private FinetuneState restore(Path checkpoint, MomentumSgd sgd) {
      requireFinetuneCheckpoint(checkpoint.resolve(STATE));
      ParameterFiles.load(model, checkpoint.resolve(MODEL_PARAMS), manager);
      Path optimizer = checkpoint.resolve(OPTIMIZER_STATE);
      try (NDManager scratch = manager.newSubManager();
          InputStream in = new BufferedInputStream(Files.newInputStream(optimizer))) {
        sgd.restore(NamedParameters.of(model), NDList.decode(scratch, in));
      } catch (IOException | IllegalArgumentException e) {
        throw new DataException(optimizer, "cannot restore the optimiser: " + e.getMessage(), e);
      }
      Path statePath = checkpoint.resolve(STATE);
      FinetuneState state;
      try {
        state = JSON.readValue(statePath.toFile(), FinetuneState.class);
      } catch (IOException e) {
        throw new DataException(statePath, "unreadable: " + e.getMessage(), e);
      }
      if (state.nextEpoch() > config.epochs()) {
        throw new ConfigException(
            "epochs",
            config.epochs()
                + " is fewer than the "
                + state.nextEpoch()
                + " epochs the checkpoint already trained");
      }
      return state;
    }

    /** Names a pretraining checkpoint given to {@code --resume} as what it is. */
    private void requireFinetuneCheckpoint(Path statePath) {
      try {
        JsonNode state = JSON.readTree(statePath.toFile());
        if (state.has("format") && !state.has("nextEpoch")) {
          throw new DataException(
              statePath,
              "is a pretraining checkpoint's state, not a fine-tuning one: export its backbone"
                  + " (fima export) and give that as --backbone");
        }
      } catch (IOException e) {
        throw new DataException(statePath, "unreadable: " + DataException.reason(e), e);
      }
    }

    private void plot(MetricsLog metrics) {
      try {
        LossPlot.fromMetrics(
            metrics.read(),
            List.of("loss", "accuracy"),
            "fine-tuning " + session.catalog().name(),
            out.resolve(PLOT_FILE));
      } catch (IOException | RuntimeException e) {
        // A missing plot must not lose a finished run.
        LOG.warn("could not write the loss plot: {}", e.toString());
      }
    }

    private MultiClipEvaluation.Result evaluate(
        VideoClassifier classifier, List<VideoEntry> videos) {
      return MultiClipEvaluation.evaluate(
          classifier,
          source,
          config.data(),
          config.clip(),
          videos,
          config.testClips(),
          config.testCrops(),
          config.averaging(),
          config.batchSize(),
          source.augmenter(AugmentConfig.defaults()),
          manager,
          progressBar ? new ConsoleProgress() : null);
    }

    private EvalReport finish(FinetuneState state, Path resumedFrom) {
      List<VideoEntry> test = session.videos(Split.TEST);
      MultiClipEvaluation.Result last = evaluate(model, test);
      Map<String, Double> metrics = new LinkedHashMap<>(last.metrics().asMetrics(5));
      metrics.put("skippedTrainVideos", (double) trainLeftOut.size());
      metrics.put("skippedTestVideos", (double) last.views().skipped().size());
      List<String> files = new ArrayList<>();
      files.addAll(
          ClassificationFiles.write(
              out,
              TASK + "-",
              last.metrics(),
              session.catalog().classNames(),
              "fine-tuned, last epoch, " + session.catalog().name()));
      List<String> notes = new ArrayList<>();
      Notes.leftOut(notes, trainLeftOut, "training");
      Notes.decoding(notes, last.views(), "test");
      if (state.bestEpoch() > 0) {
        FineTunedModel best =
            FineTunedModel.load(out.resolve(BEST_MODEL), backbones, config.clip(), manager, seed);
        MultiClipEvaluation.Result atBest = evaluate(best.classifier(), test);
        metrics.put("bestValidationEpoch", (double) state.bestEpoch());
        metrics.put("bestValidationTop1", state.bestValidationTop1());
        metrics.put("testTop1AtBestValidationEpoch", atBest.metrics().top1());
        files.addAll(
            ClassificationFiles.write(
                out,
                TASK + "-best-",
                atBest.metrics(),
                session.catalog().classNames(),
                "fine-tuned, epoch " + state.bestEpoch() + ", " + session.catalog().name()));
        files.add(BEST_MODEL + "/");
        notes.add(
            "top1, top5 and the per-class files are the last epoch's; the epoch with the best"
                + " validation top-1 (epoch "
                + state.bestEpoch()
                + ", chosen on the held-out part of the training split) is reported separately");
      }
      Protocol protocol = protocol(state, resumedFrom);
      Map<String, Object> modelNotes = new LinkedHashMap<>();
      modelNotes.put("fineTunedFrom", spec.text());
      modelNotes.put("dataset", session.catalog().name());
      modelNotes.put("epochs", config.epochs());
      modelNotes.put("testTop1LastEpoch", last.metrics().top1());
      FineTunedModel.save(
          model,
          session.catalog().classNames(),
          modelNotes,
          backbones,
          out.resolve(MODEL),
          manager);
      files.add(MODEL + "/");
      files.add(PLOT_FILE);
      files.add(MetricsLog.FILE);
      Map<String, Object> details = new LinkedHashMap<>();
      if (!state.validations().isEmpty()) {
        details.put("Validation (held-out part of the training split)", state.validations());
      }
      return ReportWriter.write(
          out,
          new ReportWriter.Content(
              TASK,
              spec.text() + " fine-tuned on " + session.catalog().name(),
              protocol.build(),
              metrics,
              details,
              files,
              notes),
          config);
    }

    private Protocol protocol(FinetuneState state, Path resumedFrom) {
      OptimConfig o = config.optim();
      AugmentConfig a = config.augment();
      return Protocol.start(
              config.data(), session.catalog(), config.clip(), config.run(), session.device())
          .backbone(backbone, initialDigest)
          .put("head", "dropout " + config.dropout() + ", linear, softmax cross-entropy")
          .put("epochs", config.epochs())
          .put("steps", state.step())
          .put("batch", config.batchSize())
          .put("lr", o.scaledLr(config.batchSize()))
          .put("lrAtReferenceBatch", o.lr() + " at " + o.referenceBatch())
          .put("momentum", o.momentum())
          .put("weightDecay", o.weightDecay())
          .put("schedule", describe(o))
          .put("gradClip", o.gradClip() == 0 ? "off" : o.gradClip())
          .put(
              "augmentation",
              String.format(
                  Locale.ROOT,
                  "random window, resized crop scale [%s, %s], flip %s, grayscale %s, jitter %s"
                      + " (%s/%s/%s/%s), no blur",
                  a.minScale(),
                  a.maxScale(),
                  a.flipProbability(),
                  a.grayscaleProbability(),
                  a.jitterProbability(),
                  a.brightness(),
                  a.contrast(),
                  a.saturation(),
                  a.hue()))
          .put("trainVideos", fit.size())
          .put(
              "validationVideos",
              validation.isEmpty()
                  ? "none (valFraction 0: no best epoch is chosen)"
                  : validation.size()
                      + " (stratified "
                      + config.valFraction()
                      + ", seed "
                      + seed
                      + ")")
          .put("testClipsPerVideo", config.testClips() + " x " + config.testCrops())
          .put("averaging", config.averaging().name().toLowerCase(Locale.ROOT))
          .put("resumedFrom", resumedFrom == null ? null : resumedFrom.toAbsolutePath());
    }
  }

  private static String describe(OptimConfig o) {
    String warmup = o.warmupEpochs() > 0 ? ", warm-up " + o.warmupEpochs() + " epochs" : "";
    return switch (o.schedule()) {
      case STEP -> "step x" + o.gamma() + " at epochs " + o.milestones() + warmup;
      case COSINE -> "cosine to 0" + warmup;
      case CONSTANT -> "constant" + warmup;
    };
  }

  private static List<VideoEntry> pick(List<VideoEntry> videos, int[] rows) {
    List<VideoEntry> out = new ArrayList<>(rows.length);
    for (int r : rows) {
      out.add(videos.get(r));
    }
    return out;
  }
}
