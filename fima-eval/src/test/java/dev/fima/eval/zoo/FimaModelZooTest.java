package dev.fima.eval.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooModel;
import dev.fima.api.config.ClipConfig;
import dev.fima.djl.backbone.BackboneArchive;
import dev.fima.djl.backbone.Backbones;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.RegistryBackboneProvider;
import dev.fima.eval.testing.ExportedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FimaModelZooTest {

  @TempDir Path root;
  private Path video;

  @BeforeEach
  void aZooRootWithOneBackbone() {
    System.setProperty(FimaModelZoo.ROOT_VARIABLE, root.toString());
    try (NDManager m = NDManager.newBaseManager()) {
      ExportedFixtures.backbone(root.resolve("my-backbone"), m);
    }
    video = ExportedFixtures.video(root.resolve("video.avi"));
  }

  @AfterEach
  void forgetTheRoot() {
    System.clearProperty(FimaModelZoo.ROOT_VARIABLE);
  }

  private static float[] features(Criteria<Path, float[]> criteria, Path video) throws Exception {
    try (ZooModel<Path, float[]> model = criteria.loadModel();
        Predictor<Path, float[]> predictor = model.newPredictor()) {
      return predictor.predict(video);
    }
  }

  @Test
  void anExportedBackboneIsFoundByItsFolderNameWithTheFeatureTranslator() throws Exception {
    float[] byPath =
        features(
            Criteria.builder()
                .setTypes(Path.class, float[].class)
                .optModelPath(root.resolve("my-backbone"))
                .optTranslatorFactory(new VideoFeatureTranslatorFactory())
                .build(),
            video);
    Criteria<Path, float[]> byName =
        Criteria.builder()
            .setTypes(Path.class, float[].class)
            .optArtifactId("dev.fima:my-backbone")
            .build();
    assertArrayEquals(byPath, features(byName, video));

    // A folder exported before serving.properties existed still loads by name.
    Files.delete(root.resolve("my-backbone").resolve(BackboneArchive.SERVING_PROPERTIES_FILE));
    assertArrayEquals(byPath, features(byName, video));
  }

  @Test
  void aRandomBackboneByNameIsTheCommandLinesRandomSpec() throws Exception {
    Criteria<Path, float[]> criteria =
        Criteria.builder()
            .setTypes(Path.class, float[].class)
            .optArtifactId("dev.fima:random-r3d-tiny")
            .optArgument("width", 0.5)
            .optArgument("frames", 8)
            .optArgument("crop", 32)
            .optArgument("seed", 3)
            .build();
    float[] expected;
    try (NDManager m = NDManager.newBaseManager()) {
      var opened =
          new RegistryBackboneProvider()
              .open(
                  BackboneSpec.parse("backbone", "random:r3d-tiny?width=0.5"),
                  new ClipConfig(8, 2, 32, 1),
                  m,
                  3);
      expected = ExportedFixtures.evaluationFeatures(opened.block(), video, 1, 1, m).view(0, 0);
    }
    float[] got = features(criteria, video);
    assertEquals(32, got.length);
    assertArrayEquals(expected, got);

    // Raw outputs through DJL's own NDList translator: [map, pooled] of the random backbone.
    try (ZooModel<NDList, NDList> model =
            Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optArtifactId("dev.fima:random-r3d-tiny")
                .build()
                .loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager m = NDManager.newBaseManager()) {
      NDList out = predictor.predict(new NDList(m.zeros(new Shape(1, 3, 16, 112, 112))));
      assertEquals(new Shape(1, 64), out.get(1).getShape(), "full width: 64 channels");
    }
  }

  @Test
  void theZooListsRegistryAndExportedNamesAndRefusesOthers() throws Exception {
    // A folder under the root whose name would shadow a random backbone is left out.
    try (NDManager m = NDManager.newBaseManager()) {
      ExportedFixtures.backbone(root.resolve("random-mine"), m);
    }
    ModelZoo zoo = ModelZoo.getModelZoo(FimaModelZoo.GROUP_ID);
    assertInstanceOf(FimaModelZoo.class, zoo);
    List<String> names = zoo.getModelLoaders().stream().map(ModelLoader::getArtifactId).toList();
    for (String registry : Backbones.names()) {
      assertTrue(names.contains("random-" + registry), names.toString());
    }
    assertTrue(names.contains("my-backbone"), names.toString());
    assertFalse(names.contains("random-mine"), names.toString());
    assertFalse(names.contains("video.avi"), "only folders holding a backbone.json");
    assertEquals(Backbones.names().size() + 1, names.size());

    assertThrows(
        ModelNotFoundException.class,
        () ->
            Criteria.builder()
                .setTypes(Path.class, float[].class)
                .optArtifactId("dev.fima:no-such-backbone")
                .build()
                .loadModel());
  }
}
