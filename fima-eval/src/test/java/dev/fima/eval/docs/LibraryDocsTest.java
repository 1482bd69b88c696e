package dev.fima.eval.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import dev.fima.api.config.CheckpointConfig;
import dev.fima.api.config.ConfigBuilder;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.config.RunConfig;
import dev.fima.api.data.BatchLoader;
import dev.fima.djl.backbone.BackboneInput;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.LoadedBackbone;
import dev.fima.djl.train.CheckpointStore;
import dev.fima.djl.train.EpochRecord;
import dev.fima.djl.train.ModelCheckpoint;
import dev.fima.djl.train.MomentumSgd;
import dev.fima.djl.train.Position;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.TrainingLoop;
import dev.fima.djl.train.TrainingStep;
import dev.fima.eval.classify.VideoClassifier;
import dev.fima.eval.testing.ExportedFixtures;
import dev.fima.eval.zoo.VideoFeatureTranslatorFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Java of the {@code dev.fima.eval} package documentation and the README's "Using FIMA-J
 * as a library", and checks that they show exactly this code.
 */
class LibraryDocsTest {

  private static final Path SELF = Path.of("src/test/java/dev/fima/eval/docs/LibraryDocsTest.java");
  private static final Path PACKAGE_INFO = Path.of("src/main/java/dev/fima/eval/package-info.java");
  private static final Path README = Path.of("../README.md");

  @TempDir static Path dir;
  private static ExportedFixtures.Exported files;

  @BeforeAll
  static void exportABackboneAndWriteAVideo() {
    files = ExportedFixtures.write(dir);
  }

  @Test
  void theDocumentedFeatureExtractionGivesTheEvaluationJobsFeatures() throws Exception {
    Path backbone = files.backbone();
    Path video = files.video();
    float[] expected;
    try (NDManager m = NDManager.newBaseManager()) {
      expected =
          ExportedFixtures.evaluationFeatures(
                  Backbones.load(backbone, m).backbone(), video, 1, 1, m)
              .view(0, 0);
    }
    // doc:features
    var factory = new VideoFeatureTranslatorFactory();
    var criteria = Criteria.builder().setTypes(Path.class, float[].class).optModelPath(backbone);
    try (var model = criteria.optTranslatorFactory(factory).build().loadModel();
        var predictor = model.newPredictor()) {
      float[] features = predictor.predict(video);
      // doc:hide
      assertEquals(32, features.length, "r3d-tiny at width 0.5 has 32 channels");
      assertArrayEquals(expected, features);
      // doc:show
    }
    // doc:end
  }

  @Test
  void theDocumentedJobConfigurationIsTheOneTheOverrideStringsGive() {
    // doc:job-config
    LinearProbeConfig probe =
        ConfigBuilder.of(LinearProbeConfig.defaults())
            .set(LinearProbeConfig::backbone, "runs/pretrain/backbone")
            .edit(LinearProbeConfig::data, d -> d.set(DataConfig::dataset, DatasetKind.FOLDER))
            .edit(LinearProbeConfig::data, d -> d.set(DataConfig::root, "my-videos"))
            .edit(LinearProbeConfig::run, r -> r.set(RunConfig::output, "runs/my-probe"))
            .build();
    // doc:end
    LinearProbeConfig fromStrings =
        Configs.load(
            LinearProbeConfig.defaults(),
            null,
            List.of(
                "backbone=runs/pretrain/backbone",
                "data.dataset=folder",
                "data.root=my-videos",
                "run.output=runs/my-probe"));
    assertEquals(fromStrings, probe);
  }

  /** Two batches of two random clips of the exported backbone's geometry, labels 0 and 1. */
  private static final class RandomClips implements BatchLoader<Batch> {
    @Override
    public int batchesPerEpoch() {
      return 2;
    }

    @Override
    public Iterator<Batch> epoch(NDManager manager, int epoch, int fromBatch) {
      List<Batch> batches = new ArrayList<>();
      for (int b = fromBatch; b < 2; b++) {
        Random random = new Random(10L * epoch + b);
        float[] clips = new float[2 * 3 * 8 * 32 * 32];
        for (int i = 0; i < clips.length; i++) {
          clips[i] = random.nextFloat();
        }
        NDList data = new NDList(manager.create(clips, new Shape(2, 3, 8, 32, 32)));
        NDList labels = new NDList(manager.create(new long[] {0, 1}));
        batches.add(new Batch(manager, data, labels, 2, null, null, b, 2));
      }
      return batches.iterator();
    }
  }

  @Test
  void theDocumentedTrainingLoopFineTunesALoadedBackboneAndContinuesFromItsCheckpoint() {
    Path backbone = files.backbone();
    Path run = dir.resolve("my-run");
    BatchLoader<Batch> batches = new RandomClips();
    int classes = 2;
    List<EpochRecord> epochs = new ArrayList<>();
    StepListener records =
        new StepListener() {
          @Override
          public void onEpoch(EpochRecord r) {
            epochs.add(r);
          }
        };
    try (NDManager manager = NDManager.newBaseManager()) {
      // doc:loop
      LoadedBackbone loaded = Backbones.load(backbone, manager);
      BackboneInput input = loaded.descriptor().input();
      VideoClassifier classifier = new VideoClassifier(loaded.backbone(), classes, 0.5f);
      classifier.initialize(
          manager, DataType.FLOAT32, new Shape(1, 3, input.frames(), input.crop(), input.crop()));
      MomentumSgd sgd = MomentumSgd.builder().optLearningRate(0.01).build(manager);
      ModelCheckpoint content = new ModelCheckpoint(classifier, sgd);
      CheckpointStore checkpoints = new CheckpointStore(run.resolve(CheckpointStore.FOLDER), 3);
      TrainingLoop loop =
          TrainingLoop.builder(sgd, classifier)
              .epochs(3)
              .checkpoints(checkpoints, new CheckpointConfig(1, 0, 3), content)
              // doc:hide
              .listener(records)
              // doc:show
              .build();
      var step = TrainingStep.supervised(classifier, Loss.softmaxCrossEntropyLoss());
      loop.run(manager, batches, step, Position.START, null);
      // doc:end
      assertEquals(3, epochs.size());
      assertTrue(Double.isFinite(epochs.get(2).means().get("loss")), epochs.toString());
      assertEquals(
          List.of(2L, 4L, 6L),
          checkpoints.list().stream().map(CheckpointStore::sequence).toList(),
          "one checkpoint per epoch");

      // The same run taken on to 5 epochs from where it stopped.
      loop =
          TrainingLoop.builder(sgd, classifier)
              .epochs(5)
              .checkpoints(checkpoints, new CheckpointConfig(1, 0, 3), content)
              .listener(records)
              .build();
      // doc:resume
      Path latest = CheckpointStore.resolve(run);
      Position start = content.restore(latest, manager);
      loop.run(manager, batches, step, start, latest);
      // doc:end
      assertEquals(new Position(3, 0, 6), start);
      assertEquals(5, epochs.size(), "epochs 4 and 5 were trained, no other");
      assertEquals(4, epochs.get(3).epoch() + 1);
      assertEquals(
          List.of(6L, 8L, 10L),
          checkpoints.list().stream().map(CheckpointStore::sequence).toList());
      sgd.close();
    }
  }

  @Test
  void theDocumentationShowsExactlyTheTestedCode() throws IOException {
    String features = DocSnippets.region(SELF, "features");
    assertTrue(
        features.lines().count() <= 6, "feature extraction in at most 6 lines:\n" + features);
    assertTrue(
        DocSnippets.javadocBlocks(PACKAGE_INFO).contains(features),
        "package-info.java shows, as one block:\n" + features);
    assertTrue(
        DocSnippets.markdownBlocks(README, "java").contains(features),
        "README.md shows, as one java block:\n" + features);
    String jobConfig = DocSnippets.region(SELF, "job-config");
    assertTrue(
        DocSnippets.javadocBlocks(PACKAGE_INFO).contains(jobConfig),
        "package-info.java shows, as one block:\n" + jobConfig);
    for (String region : List.of("loop", "resume")) {
      String code = DocSnippets.region(SELF, region);
      assertTrue(
          DocSnippets.javadocBlocks(PACKAGE_INFO).contains(code),
          "package-info.java shows, as one block:\n" + code);
    }
  }
}
