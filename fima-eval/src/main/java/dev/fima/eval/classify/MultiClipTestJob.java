package dev.fima.eval.classify;

import dev.fima.api.ConfigException;
import dev.fima.api.ConsoleProgress;
import dev.fima.api.DataException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.TestConfig;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.jobs.ClipTester;
import dev.fima.api.jobs.EvalReport;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.metrics.ClassificationMetrics;
import dev.fima.eval.report.ClassificationFiles;
import dev.fima.eval.report.Csv;
import dev.fima.eval.report.Notes;
import dev.fima.eval.report.OutputFiles;
import dev.fima.eval.report.Protocol;
import dev.fima.eval.report.ReportWriter;
import dev.fima.eval.session.EvalSession;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fima test}: loads a fine-tuned model folder and runs {@link MultiClipEvaluation} on the
 * test split once. There is no epoch to choose here, so there is no "best" number.
 */
public final class MultiClipTestJob implements ClipTester {

  /** Report and file names of this task. */
  public static final String TASK = "test";

  private final SupervisedDataSource source;
  private final BackboneProvider backbones;
  private boolean progressBar = true;

  /**
   * Creates the job.
   *
   * @param source the labelled data
   * @param backbones opens the model's backbone
   */
  @Inject
  public MultiClipTestJob(SupervisedDataSource source, BackboneProvider backbones) {
    this.source = source;
    this.backbones = backbones;
  }

  /**
   * Turns the console progress bar of indexing the test videos on or off (on by default).
   *
   * @param show whether to show it
   * @return this job
   */
  public MultiClipTestJob showProgress(boolean show) {
    this.progressBar = show;
    return this;
  }

  @Override
  public EvalReport test(TestConfig config) {
    if (config.model() == null) {
      throw new ConfigException("model", "is required: a folder written by fima finetune");
    }
    Path folder = Path.of(config.model());
    try (EvalSession session = EvalSession.open(config.data(), config.run(), source)) {
      FineTunedModel model =
          FineTunedModel.load(
              folder, backbones, config.clip(), session.manager(), config.run().seed());
      List<String> datasetClasses = session.catalog().classNames();
      if (!model.classNames().equals(datasetClasses)) {
        throw new DataException(
            folder.resolve("model.json"),
            "the model was trained on "
                + model.classNames().size()
                + " classes that differ from the "
                + datasetClasses.size()
                + " classes of "
                + session.catalog().name()
                + firstDifference(model.classNames(), datasetClasses));
      }
      List<VideoEntry> videos = session.videos(Split.TEST);
      MultiClipEvaluation.Result result =
          MultiClipEvaluation.evaluate(
              model.classifier(),
              source,
              config.data(),
              config.clip(),
              videos,
              config.clips(),
              config.crops(),
              config.averaging(),
              config.batchSize(),
              source.augmenter(AugmentConfig.defaults()),
              session.manager(),
              progressBar ? new ConsoleProgress() : null);

      Map<String, Double> metrics = new LinkedHashMap<>(result.metrics().asMetrics(5));
      metrics.put("skippedTestVideos", (double) result.views().skipped().size());
      Protocol protocol =
          Protocol.start(
                  config.data(), session.catalog(), config.clip(), config.run(), session.device())
              .put("model", folder.toAbsolutePath())
              .put("modelDescriptor", model.descriptor().get("notes"))
              .put("clipsPerVideo", config.clips() + " x " + config.crops())
              .put("averaging", config.averaging().name().toLowerCase(Locale.ROOT))
              .put("batch", config.batchSize())
              .put("testVideos", result.metrics().samples());
      List<String> files =
          new ArrayList<>(
              ClassificationFiles.write(
                  session.output(),
                  TASK + "-",
                  result.metrics(),
                  datasetClasses,
                  "test " + session.catalog().name()));
      String predictions = TASK + "-predictions.csv";
      OutputFiles.writeString(
          session.output().resolve(predictions), predictionsCsv(result, videos, datasetClasses));
      files.add(predictions);
      List<String> notes = new ArrayList<>();
      Notes.decoding(notes, result.views(), "test");
      return ReportWriter.write(
          session.output(),
          new ReportWriter.Content(
              TASK,
              folder.getFileName() + " on " + session.catalog().name(),
              protocol.build(),
              metrics,
              Map.of(),
              files,
              notes),
          config);
    }
  }

  /** One line per video: its path, true class, predicted class and the predicted score. */
  static String predictionsCsv(
      MultiClipEvaluation.Result result, List<VideoEntry> videos, List<String> classes) {
    StringBuilder csv = new StringBuilder("video,true,predicted,score\n");
    for (int i = 0; i < result.scores().length; i++) {
      float[] s = result.scores()[i];
      int predicted = ClassificationMetrics.argMax(s);
      csv.append(Csv.quote(videos.get(result.views().videoIndices()[i]).path().toString()))
          .append(',')
          .append(Csv.quote(classes.get(result.views().labels()[i])))
          .append(',')
          .append(Csv.quote(classes.get(predicted)))
          .append(',')
          .append(String.format(Locale.ROOT, "%.6f", s[predicted]))
          .append('\n');
    }
    return csv.toString();
  }

  private static String firstDifference(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return " (class " + i + " is " + a.get(i) + " in the model, " + b.get(i) + " here)";
      }
    }
    return "";
  }
}
