package dev.fima.eval.retrieval;

import dev.fima.api.ConsoleProgress;
import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.Retriever;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.OpenedBackbone;
import dev.fima.eval.backbone.ParameterDigest;
import dev.fima.eval.features.CachedExtraction;
import dev.fima.eval.features.ClipFeatures;
import dev.fima.eval.features.FeatureCache;
import dev.fima.eval.metrics.RecallAtK;
import dev.fima.eval.report.Csv;
import dev.fima.eval.report.Notes;
import dev.fima.eval.report.OutputFiles;
import dev.fima.eval.report.Protocol;
import dev.fima.eval.report.ReportWriter;
import dev.fima.eval.session.EvalSession;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Video retrieval with a frozen backbone (the FAME protocol, section 11 of the method notes, with
 * the centring documented in {@link NearestNeighbours}): each video's feature is the mean of its
 * uniform clips' pooled features (centre crop); every test video queries the training gallery by
 * cosine similarity; recall@k is the fraction of queries with a same-class video among their k
 * nearest.
 */
public final class RetrievalJob implements Retriever {

  /** Report and file names of this task. */
  public static final String TASK = "retrieve";

  /** Neighbours listed per query in the CSV. */
  private static final int LISTED_NEIGHBOURS = 10;

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
  public RetrievalJob(SupervisedDataSource source, BackboneProvider backbones) {
    this.source = source;
    this.backbones = backbones;
  }

  /**
   * Turns the console progress bar of feature extraction on or off (on by default).
   *
   * @param show whether to show it
   * @return this job
   */
  public RetrievalJob showProgress(boolean show) {
    this.progressBar = show;
    return this;
  }

  @Override
  public EvalReport retrieve(RetrieveConfig config) {
    BackboneSpec spec = BackboneSpec.parse("backbone", config.backbone());
    try (EvalSession session = EvalSession.open(config.data(), config.run(), source)) {
      OpenedBackbone backbone =
          backbones.open(spec, config.clip(), session.manager(), config.run().seed());
      String digest = ParameterDigest.of(backbone.block());
      CachedExtraction extraction =
          new CachedExtraction(
                  source,
                  config.data(),
                  config.clip(),
                  backbone.block(),
                  digest,
                  session.manager(),
                  session.output().resolve("features"))
              .showProgress(progressBar ? new ConsoleProgress() : null);
      FeatureCache.Result galleryResult =
          extraction.features(
              Split.TRAIN, session.videos(Split.TRAIN), config.clips(), 1, config.batchSize());
      FeatureCache.Result queryResult =
          extraction.features(
              Split.TEST, session.videos(Split.TEST), config.clips(), 1, config.batchSize());
      ClipFeatures gallery = galleryResult.features();
      ClipFeatures queries = queryResult.features();
      gallery.requireUsable("training (gallery)");
      queries.requireUsable("test (query)");

      int maxK = Collections.max(config.ks());
      int[][] ranked =
          NearestNeighbours.rank(session.manager(), gallery.averaged(), queries.averaged(), maxK);
      Map<Integer, Double> recall =
          RecallAtK.compute(ranked, queries.labels(), gallery.labels(), config.ks());

      Map<String, Double> metrics = new LinkedHashMap<>();
      recall.forEach((k, r) -> metrics.put("recall@" + k, r));
      metrics.put("queries", (double) queries.size());
      metrics.put("gallery", (double) gallery.size());
      metrics.put("skippedTrainVideos", (double) gallery.skipped().size());
      metrics.put("skippedTestVideos", (double) queries.skipped().size());

      Protocol protocol =
          Protocol.start(
                  config.data(), session.catalog(), config.clip(), config.run(), session.device())
              .backbone(backbone, digest)
              .put("backboneMode", "frozen, inference mode (batch-norm running statistics)")
              .put("clipsPerVideo", config.clips() + " x 1 (centre crop), features averaged")
              .put("feature", "pooled backbone output, centred by the gallery mean, L2-normalised")
              .put("similarity", "cosine")
              .put("gallery", "training split, " + gallery.size() + " videos")
              .put("queries", "test split, " + queries.size() + " videos")
              .put("ks", config.ks())
              .put("batch", config.batchSize());

      String neighboursFile = TASK + "-neighbours.csv";
      OutputFiles.writeString(
          session.output().resolve(neighboursFile),
          neighboursCsv(session, ranked, queries, gallery));
      List<String> notes = new ArrayList<>();
      for (int k : config.ks()) {
        if (k > gallery.size()) {
          notes.add(
              "recall@"
                  + k
                  + " exceeds the gallery of "
                  + gallery.size()
                  + " videos: the whole gallery is searched");
        }
      }
      Notes.decoding(notes, gallery, "training (gallery)");
      Notes.decoding(notes, queries, "test (query)");
      Map<String, Object> details = new LinkedHashMap<>();
      details.put(
          "Feature cache",
          Map.of(
              "gallery", galleryResult.outcome() + " " + galleryResult.file().getFileName(),
              "queries", queryResult.outcome() + " " + queryResult.file().getFileName()));
      return ReportWriter.write(
          session.output(),
          new ReportWriter.Content(
              TASK,
              spec.text() + " on " + session.catalog().name(),
              protocol.build(),
              metrics,
              details,
              List.of(neighboursFile),
              notes),
          config);
    }
  }

  /** Each query's nearest training videos, for inspection. */
  private static String neighboursCsv(
      EvalSession session, int[][] ranked, ClipFeatures queries, ClipFeatures gallery) {
    var test = session.videos(Split.TEST);
    var train = session.videos(Split.TRAIN);
    StringBuilder csv = new StringBuilder("query,label");
    int listed = Math.min(LISTED_NEIGHBOURS, ranked.length == 0 ? 0 : ranked[0].length);
    for (int r = 1; r <= listed; r++) {
      csv.append(",neighbour").append(r);
    }
    csv.append('\n');
    for (int q = 0; q < ranked.length; q++) {
      csv.append(Csv.quote(test.get(queries.videoIndices()[q]).path().toString()))
          .append(',')
          .append(Csv.quote(session.catalog().classNames().get(queries.labels()[q])));
      for (int r = 0; r < listed; r++) {
        csv.append(',')
            .append(Csv.quote(train.get(gallery.videoIndices()[ranked[q][r]]).path().toString()));
      }
      csv.append('\n');
    }
    return csv.toString();
  }
}
