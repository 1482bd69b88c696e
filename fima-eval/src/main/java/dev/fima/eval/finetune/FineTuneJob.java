package dev.fima.eval.finetune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.OptimConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.FineTuner;
import dev.fima.eval.EvalSession;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.OpenedBackbone;
import dev.fima.eval.backbone.ParameterDigest;
import dev.fima.eval.classify.FineTunedModel;
import dev.fima.eval.classify.MultiClipEvaluation;
import dev.fima.eval.classify.StrictParameters;
import dev.fima.eval.classify.VideoClassifier;
import dev.fima.eval.probe.StratifiedSplit;
import dev.fima.eval.report.ClassificationFiles;
import dev.fima.eval.report.Notes;
import dev.fima.eval.report.Protocol;
import dev.fima.eval.report.ReportWriter;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fima finetune}: the whole network (backbone, dropout, linear head) trained with softmax
 * cross-entropy, batch-norm in training mode, the train loader's random window, resized crop and
 * flip plus the device colour augmentation (section 8 of the method notes), momentum SGD with a
 * step or cosine schedule, checkpoints and resume. The last epoch is saved as {@code
 * <output>/model} (what {@code fima test --model} loads) and tested with N clips x M crops. With a
 * validation part carved from the training split ({@code valFraction > 0}) the epoch with the best
 * validation top-1 is kept as {@code <output>/best-model} and tested too, reported next to, never
 * instead of, the last epoch; the test split never chooses anything.
 */
public final class FineTuneJob implements FineTuner {

  /** Report and file names of this task. */
  public static final String TASK = "finetune";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final SupervisedDataSource source;
  private final BackboneProvider backbones;
  private final TrainingTools tools;

  /**
   * Creates the job.
   *
   * @param source the labelled data
   * @param backbones opens the backbone and writes fine-tuned ones
   * @param tools optimiser, schedule, checkpoints and metrics of the shared training utilities
   */
  @Inject
  public FineTuneJob(SupervisedDataSource source, BackboneProvider backbones, TrainingTools tools) {
    this.source = source;
    this.backbones = backbones;
    this.tools = tools;
  }

  @Override
  public EvalReport finetune(FinetuneConfig config, Path resumeFrom) {
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

    EvalReport execute(Path resumeFrom) {
      backbone = backbones.open(spec, config.clip(), manager, seed);
      initialDigest = ParameterDigest.of(backbone.block());
      model = new VideoClassifier(backbone.block(), session.classes(), (float) config.dropout());
      model.initialize(
          manager,
          DataType.FLOAT32,
          new Shape(1, 3, config.clip().frames(), config.clip().crop(), config.clip().crop()));

      TrainingTools.Checkpoints checkpoints =
          tools.checkpoints(out.resolve("checkpoints"), config.checkpoint().keep());
      TrainingTools.RunLog log = tools.log(out, config.epochs());
      FinetuneState state;
      String resumedFrom = null;
      try (LabeledBatchLoader loader =
              source.trainLoader(
                  config.data(), config.clip(), config.augment(), fit, config.batchSize(), seed);
          TrainingTools.Optimiser optimiser =
              tools.optimiser(
                  model, config.optim(), config.batchSize(), config.epochs(), manager)) {
        if (loader.batchesPerEpoch() == 0) {
          throw new ConfigException(
              "batchSize",
              config.batchSize()
                  + " is more than the "
                  + fit.size()
                  + " training videos: not one full batch per epoch");
        }
        state = FinetuneState.start();
        if (resumeFrom != null) {
          Path checkpoint = checkpoints.resolve(resumeFrom);
          state = restore(checkpoint, optimiser);
          log.truncateAfter(state.step());
          resumedFrom = checkpoint.toAbsolutePath().toString();
        }
        state = train(loader, optimiser, checkpoints, log, state);
        log.plot(
            List.of("loss", "accuracy"),
            "fine-tuning " + session.catalog().name(),
            out.resolve(TASK + "-loss.png"));
      } catch (IOException e) {
        throw new DataException(out, "cannot write the run's files: " + e.getMessage(), e);
      }
      return finish(state, resumedFrom, log.fileName());
    }

    private FinetuneState train(
        LabeledBatchLoader loader,
        TrainingTools.Optimiser optimiser,
        TrainingTools.Checkpoints checkpoints,
        TrainingTools.RunLog log,
        FinetuneState start)
        throws IOException {
      ParameterStore store = optimiser.parameterStore();
      Loss loss = Loss.softmaxCrossEntropyLoss();
      int batches = loader.batchesPerEpoch();
      long step = start.step();
      List<Map<String, Double>> validations = new ArrayList<>(start.validations());
      int bestEpoch = start.bestEpoch();
      double bestTop1 = start.bestValidationTop1();
      for (int epoch = start.nextEpoch(); epoch < config.epochs(); epoch++) {
        int first = epoch == start.nextEpoch() ? start.nextBatch() : 0;
        double lossSum = 0;
        double accuracySum = 0;
        long samples = 0;
        try (NDManager epochScope = manager.newSubManager()) {
          Iterator<LabeledBatch> it = loader.epoch(epochScope, epoch, first);
          int b = first;
          while (it.hasNext()) {
            LabeledBatch batch = it.next();
            int n = batch.size();
            double lr = optimiser.prepareStep(epoch, b, batches);
            float lossValue;
            float accuracy;
            try (NDManager stepScope = epochScope.newSubManager()) {
              batch.clips().attach(stepScope);
              batch.labels().attach(stepScope);
              NDArray x = augmenter.augment(batch.clips(), mix(seed, epoch, b));
              try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(store, new NDList(x), true).singletonOrThrow();
                NDArray l = loss.evaluate(new NDList(batch.labels()), new NDList(logits));
                gc.backward(l);
                lossValue = l.getFloat();
                accuracy =
                    logits
                            .argMax(1)
                            .toType(DataType.INT64, false)
                            .eq(batch.labels().toType(DataType.INT64, false))
                            .sum()
                            .toType(DataType.FLOAT32, false)
                            .getFloat()
                        / n;
              }
            }
            double norm = optimiser.step();
            step++;
            b++;
            lossSum += lossValue * n;
            accuracySum += accuracy * n;
            samples += n;
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", (double) lossValue);
            values.put("accuracy", (double) accuracy);
            values.put("gradNorm", norm);
            log.step(epoch, b - 1, batches, step, lr, values, n);
            int everySteps = config.checkpoint().everySteps();
            if (everySteps > 0 && step % everySteps == 0 && b < batches) {
              checkpoint(
                  checkpoints,
                  optimiser,
                  new FinetuneState(epoch, b, step, validations, bestEpoch, bestTop1));
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
          means.put("validationTop1", r.metrics().top1());
          if (r.metrics().top1() > bestTop1) {
            bestTop1 = r.metrics().top1();
            bestEpoch = epoch + 1;
            FineTunedModel.save(
                model,
                session.catalog().classNames(),
                Map.of("epoch", bestEpoch, "validationTop1", bestTop1),
                backbones,
                out.resolve("best-model"));
          }
        }
        log.epoch(epoch, step, means);
        if ((epoch + 1) % config.checkpoint().everyEpochs() == 0 || last) {
          checkpoint(
              checkpoints,
              optimiser,
              new FinetuneState(epoch + 1, 0, step, validations, bestEpoch, bestTop1));
        }
      }
      return new FinetuneState(config.epochs(), 0, step, validations, bestEpoch, bestTop1);
    }

    private void checkpoint(
        TrainingTools.Checkpoints checkpoints,
        TrainingTools.Optimiser optimiser,
        FinetuneState state)
        throws IOException {
      checkpoints.write(
          state.step(),
          folder -> {
            StrictParameters.save(model, folder.resolve("model.params"));
            optimiser.save(folder.resolve("optimizer.state"));
            Files.writeString(folder.resolve("state.json"), JSON.writeValueAsString(state));
            Files.writeString(folder.resolve("config.json"), JSON.writeValueAsString(config));
          });
    }

    private FinetuneState restore(Path checkpoint, TrainingTools.Optimiser optimiser)
        throws IOException {
      StrictParameters.load(model, checkpoint.resolve("model.params"), manager);
      optimiser.load(checkpoint.resolve("optimizer.state"));
      FinetuneState state =
          JSON.readValue(checkpoint.resolve("state.json").toFile(), FinetuneState.class);
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
          manager);
    }

    private EvalReport finish(FinetuneState state, String resumedFrom, String logFile) {
      List<VideoEntry> test = session.videos(Split.TEST);
      MultiClipEvaluation.Result last = evaluate(model, test);
      Map<String, Double> metrics = new LinkedHashMap<>(last.metrics().asMetrics(5));
      metrics.put("skippedVideos", (double) last.views().skipped().size());
      List<String> files = new ArrayList<>();
      files.addAll(
          ClassificationFiles.write(
              out,
              TASK + "-",
              last.metrics(),
              session.catalog().classNames(),
              "fine-tuned, last epoch, " + session.catalog().name()));
      List<String> notes = new ArrayList<>();
      Notes.decoding(notes, last.views(), "test");
      if (state.bestEpoch() > 0) {
        FineTunedModel best =
            FineTunedModel.load(out.resolve("best-model"), backbones, config.clip(), manager, seed);
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
        files.add("best-model/");
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
          model, session.catalog().classNames(), modelNotes, backbones, out.resolve("model"));
      files.add("model/");
      files.add(TASK + "-loss.png");
      files.add(logFile);
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

    private Protocol protocol(FinetuneState state, String resumedFrom) {
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
          .put("resumedFrom", resumedFrom);
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

  /** A per-batch augmentation seed, a pure function of the run seed, epoch and batch. */
  static long mix(long seed, int epoch, int batch) {
    long z = seed + 0x9E3779B97F4A7C15L * (1 + epoch) + 0xC2B2AE3D27D4EB4FL * (1 + batch);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
