package dev.fima.eval.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import dev.fima.api.config.ConfigBuilder;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.config.RunConfig;
import dev.fima.djl.backbone.Backbones;
import dev.fima.eval.testing.ExportedFixtures;
import dev.fima.eval.zoo.VideoFeatureTranslatorFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
  }
}
