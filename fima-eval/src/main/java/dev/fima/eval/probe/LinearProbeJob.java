package dev.fima.eval.probe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.ConfigException;
import dev.fima.api.ConsoleProgress;
import dev.fima.api.config.Averaging;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.LinearProbe;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.OpenedBackbone;
import dev.fima.eval.backbone.ParameterDigest;
import dev.fima.eval.features.CachedExtraction;
import dev.fima.eval.features.ClipFeatures;
import dev.fima.eval.features.FeatureCache;
import dev.fima.eval.metrics.ClassificationMetrics;
import dev.fima.eval.metrics.ClipAveraging;
import dev.fima.eval.report.ClassificationFiles;
import dev.fima.eval.report.Notes;
import dev.fima.eval.report.Protocol;
import dev.fima.eval.report.ReportWriter;
import dev.fima.eval.session.EvalSession;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The linear probe: features of the frozen backbone (inference mode) are extracted once and cached;
 * a softmax-regression classifier is fitted on standardised single-clip features; its learning rate
 * and weight decay are swept on a stratified validation part of the training split; the chosen pair
 * is refitted on the whole training split and tested once, with the test clips' outputs averaged as
 * configured. The test split never influences a choice.
 */
public final class LinearProbeJob implements LinearProbe {

  /** Report and file names of this task. */
  public static final String TASK = "linear-probe";

  private final SupervisedDataSource source;
  private final BackboneProvider backbones;
  private boolean progressBar = true;

  /**
   * Creates the job.
   *
   * @param source the labelled data
   * @param backbones opens the backbone
   */
  @Inject
  public LinearProbeJob(SupervisedDataSource source, BackboneProvider backbones) {
    this.source = source;
    this.backbones = backbones;
  }

  /**
   * Turns the console progress bar of feature extraction on or off (on by default).
   *
   * @param show whether to show it
   * @return this job
   */
  public LinearProbeJob showProgress(boolean show) {
    this.progressBar = show;
    return this;
  }

  @Override
  public EvalReport probe(LinearProbeConfig config) {
    BackboneSpec spec = BackboneSpec.parse("backbone", config.backbone());
    try (EvalSession session = EvalSession.open(config.data(), config.run(), source)) {
      NDManager manager = session.manager();
      long seed = config.run().seed();
      OpenedBackbone backbone = backbones.open(spec, config.clip(), manager, seed);
      String digest = ParameterDigest.of(backbone.block());
      CachedExtraction extraction =
          new CachedExtraction(
                  source,
                  config.data(),
                  config.clip(),
                  backbone.block(),
                  digest,
                  manager,
                  session.output().resolve("features"))
              .showProgress(progressBar ? new ConsoleProgress() : null);
      FeatureCache.Result trainResult =
          extraction.features(
              Split.TRAIN,
              session.videos(Split.TRAIN),
              config.trainClips(),
              1,
              config.forwardBatch());
      FeatureCache.Result testResult =
          extraction.features(
              Split.TEST,
              session.videos(Split.TEST),
              config.testClips(),
              config.testCrops(),
              config.forwardBatch());
      ClipFeatures train = trainResult.features();
      ClipFeatures test = testResult.features();
      train.requireUsable("training");
      test.requireUsable("test");
      int classes = session.classes();

      // Sweep on a validation part carved from the training videos.
      StratifiedSplit split =
          StratifiedSplit.of(train.labels(), classes, config.valFraction(), seed);
      if (split.validation().length == 0) {
        throw new ConfigException(
            "valFraction",
            "no class has two decodable training videos, so no validation part can be held out"
                + " for the hyper-parameter sweep");
      }
      List<Map<String, Object>> grid = new ArrayList<>();
      Map<String, Object> best = null;
      for (double lr : config.lrGrid()) {
        for (double wd : config.weightDecayGrid()) {
          Map<String, Object> point =
              evaluate(manager, config, train, split.train(), split.validation(), classes, lr, wd);
          grid.add(point);
          if (best == null || better(point, best)) {
            best = point;
          }
        }
      }
      double lr = (double) best.get("lr");
      double wd = (double) best.get("weightDecay");

      // Refit on the whole training split with the chosen values, then test once.
      int[] allTrain = range(train.size());
      float[][] trainRows = rows(train, allTrain);
      Standardizer std = Standardizer.fit(trainRows);
      SoftmaxRegression.Model model =
          SoftmaxRegression.fit(
              manager,
              std.apply(trainRows),
              viewLabels(train, allTrain),
              classes,
              new SoftmaxRegression.Settings(lr, wd, config.epochs(), config.batchSize(), seed));
      float[][] testScores =
          videoScores(manager, model, std, test, range(test.size()), config.averaging());
      ClassificationMetrics metrics =
          ClassificationMetrics.compute(testScores, test.labels(), classes, 5);

      Map<String, Double> headline = new LinkedHashMap<>(metrics.asMetrics(5));
      headline.put("validationTop1", (Double) best.get("validationTop1"));
      headline.put("skippedTrainVideos", (double) train.skipped().size());
      headline.put("skippedTestVideos", (double) test.skipped().size());

      Protocol protocol =
          Protocol.start(
                  config.data(), session.catalog(), config.clip(), config.run(), session.device())
              .backbone(backbone, digest)
              .put("backboneMode", "frozen, inference mode (batch-norm running statistics)")
              .put("trainClipsPerVideo", config.trainClips() + " x 1 (centre crop)")
              .put("testClipsPerVideo", config.testClips() + " x " + config.testCrops())
              .put("averaging", config.averaging().name().toLowerCase())
              .put("classifier", "softmax regression on standardised features")
              .put("optimizer", "SGD momentum " + SoftmaxRegression.MOMENTUM + ", cosine to 0")
              .put("epochs", config.epochs())
              .put("batch", config.batchSize())
              .put("lr", lr)
              .put("weightDecay", wd)
              .put("lrGrid", config.lrGrid())
              .put("weightDecayGrid", config.weightDecayGrid())
              .put(
                  "selection",
                  "validation top-1 (ties: validation loss) on a stratified "
                      + config.valFraction()
                      + " of the training videos ("
                      + split.validation().length
                      + " videos, seed "
                      + seed
                      + "); test split used once")
              .put("trainVideos", train.size())
              .put("testVideos", test.size());

      List<String> files =
          new ArrayList<>(
              ClassificationFiles.write(
                  session.output(),
                  TASK + "-",
                  metrics,
                  session.catalog().classNames(),
                  TASK + " " + session.catalog().name()));
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("Hyper-parameter sweep (validation part of the training split)", grid);
      details.put(
          "Feature cache",
          Map.of(
              "train", trainResult.outcome() + " " + trainResult.file().getFileName(),
              "test", testResult.outcome() + " " + testResult.file().getFileName()));
      List<String> notes = new ArrayList<>();
      Notes.decoding(notes, train, "training");
      Notes.decoding(notes, test, "test");
      if (metrics.k() < 5) {
        notes.add("top-5 is top-" + metrics.k() + ": the dataset has " + classes + " classes");
      }
      return ReportWriter.write(
          session.output(),
          new ReportWriter.Content(
              TASK,
              spec.text() + " on " + session.catalog().name(),
              protocol.build(),
              headline,
              details,
              files,
              notes),
          config);
    }
  }

  /** Fits on some training videos and scores the held-out ones. */
  private static Map<String, Object> evaluate(
      NDManager manager,
      LinearProbeConfig config,
      ClipFeatures features,
      int[] fitVideos,
      int[] valVideos,
      int classes,
      double lr,
      double wd) {
    float[][] fitRows = rows(features, fitVideos);
    Standardizer std = Standardizer.fit(fitRows);
    SoftmaxRegression.Model model =
        SoftmaxRegression.fit(
            manager,
            std.apply(fitRows),
            viewLabels(features, fitVideos),
            classes,
            new SoftmaxRegression.Settings(
                lr, wd, config.epochs(), config.batchSize(), config.run().seed()));
    float[][] scores = videoScores(manager, model, std, features, valVideos, config.averaging());
    int[] labels = new int[valVideos.length];
    double nll = 0;
    for (int i = 0; i < valVideos.length; i++) {
      labels[i] = features.labels()[valVideos[i]];
      float[] p = config.averaging() == Averaging.PROBABILITIES ? scores[i] : softmax(scores[i]);
      nll -= Math.log(Math.max(p[labels[i]], 1e-12));
    }
    ClassificationMetrics m = ClassificationMetrics.compute(scores, labels, model.classes(), 1);
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("lr", lr);
    point.put("weightDecay", wd);
    point.put("validationTop1", m.top1());
    point.put("validationLoss", nll / valVideos.length);
    point.put("trainLoss", model.finalLoss());
    return point;
  }

  private static boolean better(Map<String, Object> a, Map<String, Object> b) {
    double accA = (double) a.get("validationTop1");
    double accB = (double) b.get("validationTop1");
    if (accA != accB) {
      return accA > accB;
    }
    return (double) a.get("validationLoss") < (double) b.get("validationLoss");
  }

  /** Scores videos: classifier logits of every view, combined per video on the device. */
  static float[][] videoScores(
      NDManager manager,
      SoftmaxRegression.Model model,
      Standardizer std,
      ClipFeatures features,
      int[] videos,
      Averaging averaging) {
    int k = features.views();
    float[][] logits = model.logits(manager, std.apply(rows(features, videos)));
    int classes = model.classes();
    float[] flat = new float[videos.length * k * classes];
    for (int i = 0; i < logits.length; i++) {
      System.arraycopy(logits[i], 0, flat, i * classes, classes);
    }
    float[][] scores = new float[videos.length][];
    try (NDManager scope = manager.newSubManager()) {
      NDArray views = scope.create(flat, new Shape(videos.length, k, classes));
      float[] combined = ClipAveraging.combine(views, averaging).toFloatArray();
      for (int i = 0; i < videos.length; i++) {
        scores[i] = new float[classes];
        System.arraycopy(combined, i * classes, scores[i], 0, classes);
      }
    }
    return scores;
  }

  /** Every view of the given videos as one row each, video-major. */
  static float[][] rows(ClipFeatures f, int[] videos) {
    float[][] rows = new float[videos.length * f.views()][];
    for (int i = 0; i < videos.length; i++) {
      for (int v = 0; v < f.views(); v++) {
        rows[i * f.views() + v] = f.view(videos[i], v);
      }
    }
    return rows;
  }

  private static int[] viewLabels(ClipFeatures f, int[] videos) {
    int[] labels = new int[videos.length * f.views()];
    for (int i = 0; i < videos.length; i++) {
      for (int v = 0; v < f.views(); v++) {
        labels[i * f.views() + v] = f.labels()[videos[i]];
      }
    }
    return labels;
  }

  private static float[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    float[] p = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      p[i] = (float) Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= (float) sum;
    }
    return p;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
