package dev.fima.eval.finetune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.ConfigException;
import dev.fima.api.ConsoleProgress;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.FineTuner;
import dev.fima.api.jobs.Stoppable;
import dev.fima.api.jobs.TrainingStoppedException;
import dev.fima.api.random.Seeds;
import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.LossPlot;
import dev.fima.djl.train.MetricsLog;
import dev.fima.djl.train.MomentumSgd;
import dev.fima.djl.train.Position;
import dev.fima.djl.train.ProgressLine;
import dev.fima.djl.train.TrainingLoop;
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
import dev.fima.eval.report.ReportWriter;
import dev.fima.eval.session.EvalSession;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <p>The {@link TrainingLoop} runs it with {@link ClassifierStep} as its step and the validation at
 * each epoch's end; {@link FinetuneCheckpoint} is what its checkpoints hold, {@link
 * ValidationHistory} chooses the best epoch, {@link FinetuneReport} writes the protocol. {@link
 * #requestStop} ends the run at the next step boundary with a checkpoint there (a {@link
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

  /** Name of the loss plot in the output folder. */
  public static final String PLOT_FILE = TASK + "-loss.png";

  /** Purpose tag of the per-step engine seeds (dropout). */
  private static final long SEED_DROPOUT = 17;

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

  /** One fine-tuning run: its model, data parts and validation history. */
  private final class Run {
    private final FinetuneConfig config;
    private final BackboneSpec spec;
    private final EvalSession session;
    private final long seed;
    private final List<VideoEntry> fit;
    private final List<VideoEntry> validation;
    private final Path out;
    private VideoClassifier model;
    private OpenedBackbone backbone;
    private String initialDigest;
    private ValidationHistory history = ValidationHistory.NONE;

    /** Training videos the loader left out (undecodable, or truncated and skipped). */
    private List<QuarantineEntry> trainLeftOut = List.of();

    Run(FinetuneConfig config, BackboneSpec spec, EvalSession session) {
      this.config = config;
      this.spec = spec;
      this.session = session;
      this.seed = config.run().seed();
      this.out = session.output();
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
      backbone = backbones.open(spec, config.clip(), session.manager(), seed);
      initialDigest = ParameterDigest.of(backbone.block());
      model = new VideoClassifier(backbone.block(), session.classes(), (float) config.dropout());
      model.initialize(
          session.manager(),
          DataType.FLOAT32,
          new Shape(1, 3, config.clip().frames(), config.clip().crop(), config.clip().crop()));

      MetricsLog metrics = new MetricsLog(out.resolve(MetricsLog.FILE));
      TrainingLoop.Result trained;
      try (LabeledBatchLoader loader =
              source.trainLoader(
                  config.data(),
                  config.clip(),
                  config.augment(),
                  fit,
                  config.batchSize(),
                  seed,
                  progressBar ? new ConsoleProgress() : null);
          MomentumSgd sgd = MomentumSgd.of(config.optim(), session.manager())) {
        if (loader.batchesPerEpoch() == 0) {
          throw new ConfigException(
              "batchSize",
              config.batchSize()
                  + " is more than the "
                  + fit.size()
                  + " usable training videos: not one full batch per epoch");
        }
        Position start = Position.START;
        if (checkpoint != null) {
          FinetuneCheckpoint.Restored restored =
              FinetuneCheckpoint.restore(checkpoint, model, sgd, config, session.manager());
          start = restored.position();
          history = restored.history();
        }
        metrics.truncateAfterStep(checkpoint == null ? -1 : start.step());
        TrainingLoop.Builder loop =
            TrainingLoop.builder(sgd, model)
                .name("fine-tuning")
                .command("fima finetune")
                .optim(config.optim(), config.batchSize(), config.epochs())
                .devices(session.device())
                .seed(seed, SEED_DROPOUT)
                .checkpoints(
                    store,
                    config.checkpoint(),
                    (folder, at) ->
                        FinetuneCheckpoint.write(
                            folder, at, history, model, sgd, config, session.manager()))
                .epochEnd(this::validate)
                .stopWhen(stop::get)
                .listener(metrics);
        if (progressBar) {
          loop.listener(new ProgressLine(config.epochs(), List.of("loss", "accuracy")));
        }
        ClassifierStep step = new ClassifierStep(model, source.augmenter(config.augment()), seed);
        try {
          trained = loop.build().run(session.manager(), loader, step, start, checkpoint);
        } catch (TrainingStoppedException stopped) {
          // A stopped run keeps its curves so far, as a finished one does.
          plot(metrics);
          throw stopped;
        }
        trainLeftOut = loader.stats().quarantine();
      }
      plot(metrics);
      return finish(trained.position().step(), checkpoint);
    }

    /** Validates at the end of an epoch when due, keeping the best epoch's model. */
    private Map<String, Double> validate(int epoch) {
      boolean last = epoch == config.epochs() - 1;
      if (validation.isEmpty() || ((epoch + 1) % config.valEveryEpochs() != 0 && !last)) {
        return Map.of();
      }
      MultiClipEvaluation.Result r = evaluate(model, validation);
      history = history.with(epoch + 1, r.metrics());
      if (history.isBest(epoch + 1)) {
        FineTunedModel.save(
            model,
            session.catalog().classNames(),
            Map.of("epoch", history.bestEpoch(), "validationTop1", history.bestValidationTop1()),
            backbones,
            out.resolve(BEST_MODEL),
            session.manager());
      }
      return Map.of("validation_top1", r.metrics().top1());
    }

    private void plot(MetricsLog metrics) {
      LossPlot.ofRun(
          metrics,
          List.of("loss", "accuracy"),
          "fine-tuning " + session.catalog().name(),
          out.resolve(PLOT_FILE));
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
          session.manager(),
          progressBar ? new ConsoleProgress() : null);
    }

    private EvalReport finish(long steps, Path resumedFrom) {
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
      int bestEpoch = history.bestEpoch();
      if (bestEpoch > 0) {
        FineTunedModel best =
            FineTunedModel.load(
                out.resolve(BEST_MODEL), backbones, config.clip(), session.manager(), seed);
        MultiClipEvaluation.Result atBest = evaluate(best.classifier(), test);
        metrics.put("bestValidationEpoch", (double) bestEpoch);
        metrics.put("bestValidationTop1", history.bestValidationTop1());
        metrics.put("testTop1AtBestValidationEpoch", atBest.metrics().top1());
        files.addAll(
            ClassificationFiles.write(
                out,
                TASK + "-best-",
                atBest.metrics(),
                session.catalog().classNames(),
                "fine-tuned, epoch " + bestEpoch + ", " + session.catalog().name()));
        files.add(BEST_MODEL + "/");
        notes.add(FinetuneReport.bestEpochNote(bestEpoch));
      }
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
          session.manager());
      files.add(MODEL + "/");
      files.add(PLOT_FILE);
      files.add(MetricsLog.FILE);
      Map<String, Object> details = new LinkedHashMap<>();
      if (!history.validations().isEmpty()) {
        details.put("Validation (held-out part of the training split)", history.validations());
      }
      return ReportWriter.write(
          out,
          new ReportWriter.Content(
              TASK,
              spec.text() + " fine-tuned on " + session.catalog().name(),
              FinetuneReport.protocol(
                      config,
                      session,
                      backbone,
                      initialDigest,
                      steps,
                      fit.size(),
                      validation.size(),
                      resumedFrom)
                  .build(),
              metrics,
              details,
              files,
              notes),
          config);
    }
  }

  private static List<VideoEntry> pick(List<VideoEntry> videos, int[] rows) {
    List<VideoEntry> out = new ArrayList<>(rows.length);
    for (int r : rows) {
      out.add(videos.get(r));
    }
    return out;
  }
}
