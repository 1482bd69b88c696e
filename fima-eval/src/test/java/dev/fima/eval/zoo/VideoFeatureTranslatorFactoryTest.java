package dev.fima.eval.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.VideoEntry;
import dev.fima.datasets.VideoSupervisedDataSource;
import dev.fima.djl.backbone.BackboneInput;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.eval.features.ClipFeatures;
import dev.fima.eval.testing.ExportedFixtures;
import dev.fima.eval.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFeatureTranslatorFactoryTest {

  @TempDir static Path dir;
  private static ExportedFixtures.Exported files;

  @BeforeAll
  static void exportABackboneAndWriteAVideo() {
    files = ExportedFixtures.write(dir);
  }

  private static <I, O> ZooModel<I, O> load(Class<I> in, Class<O> out, Map<String, Object> args)
      throws Exception {
    return Criteria.builder()
        .setTypes(in, out)
        .optModelPath(files.backbone())
        .optArguments(args)
        .optTranslatorFactory(new VideoFeatureTranslatorFactory())
        .build()
        .loadModel();
  }

  @Test
  void viewsAreAveragedAndMapsGiveThePooledFeatureOfEachView() throws Exception {
    ClipFeatures expected;
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone net = Backbones.load(files.backbone(), m).backbone();
      expected = ExportedFixtures.evaluationFeatures(net, files.video(), 3, 3, m);
    }
    Map<String, Object> nine = Map.of("clips", 3, "crops", 3);
    try (ZooModel<Path, float[]> model = load(Path.class, float[].class, nine);
        Predictor<Path, float[]> predictor = model.newPredictor()) {
      assertArrayEquals(expected.averaged()[0], predictor.predict(files.video()), 1e-6f);
    }
    try (ZooModel<Path, FeatureMap> model = load(Path.class, FeatureMap.class, nine);
        Predictor<Path, FeatureMap> predictor = model.newPredictor()) {
      FeatureMap map = predictor.predict(files.video());
      // r3d-tiny: time / 4, space / 8, so 8 x 32 x 32 clips give 2 x 4 x 4 cells.
      assertEquals(new Shape(9, 32, 2, 4, 4), map.shape());
      assertEquals(9, map.views());
      for (int view = 0; view < 9; view++) {
        float[] mean = new float[32];
        for (int c = 0; c < 32; c++) {
          for (int cell = 0; cell < 32; cell++) {
            mean[c] += map.values()[(view * 32 + c) * 32 + cell] / 32;
          }
        }
        assertArrayEquals(expected.view(0, view), mean, 1e-5f, "view " + view);
      }
    }
  }

  @Test
  void decodedClipsGiveTheFeaturesOfTheFileTheyCameFrom() throws Exception {
    float[] fromFile;
    try (ZooModel<Path, float[]> model = load(Path.class, float[].class, Map.of());
        Predictor<Path, float[]> predictor = model.newPredictor()) {
      fromFile = predictor.predict(files.video());
    }
    VideoSupervisedDataSource source = new VideoSupervisedDataSource();
    try (NDManager m = NDManager.newBaseManager();
        LabeledBatchLoader loader =
            source.evalLoader(
                Fixtures.data(dir),
                ExportedFixtures.CLIP,
                1,
                1,
                List.of(new VideoEntry(files.video(), 0, "video")),
                1,
                null);
        ZooModel<NDArray, float[]> model = load(NDArray.class, float[].class, Map.of());
        Predictor<NDArray, float[]> predictor = model.newPredictor()) {
      LabeledBatch batch = loader.epoch(m, 0, 0).next();
      NDArray clip = batch.clips().reshape(3, 8, 32, 32);
      float[] before = clip.toFloatArray();
      assertArrayEquals(fromFile, predictor.predict(clip));
      assertArrayEquals(
          before, clip.toFloatArray(), "the caller's clip is not normalised in place");

      TranslateException wrong =
          assertThrows(
              TranslateException.class, () -> predictor.predict(m.zeros(new Shape(3, 4, 32, 32))));
      assertEquals(
          "decoded clips must be (3, 8, 32, 32) or (K, 3, 8, 32, 32) (the backbone's frames and"
              + " crop), got (3, 4, 32, 32)",
          wrong.getCause().getMessage());
    }
  }

  @Test
  void anUndecodableVideoIsNamedWithTheReason() throws Exception {
    Path garbage = Files.write(dir.resolve("garbage.avi"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    try (ZooModel<Path, float[]> model = load(Path.class, float[].class, Map.of());
        Predictor<Path, float[]> predictor = model.newPredictor()) {
      TranslateException e =
          assertThrows(TranslateException.class, () -> predictor.predict(garbage));
      DataException cause = assertInstanceOf(DataException.class, e.getCause());
      assertTrue(cause.getMessage().startsWith(garbage + ": unreadable"), cause.getMessage());
    }
  }

  @Test
  void badArgumentsAndForeignNormalisationsAreRefusedByName() throws Exception {
    ConfigException crops =
        assertThrows(
            ConfigException.class, () -> load(Path.class, float[].class, Map.of("crops", 2)));
    assertEquals("crops: must be 1 or 3, got 2", crops.getMessage());

    Path other = dir.resolve("imagenet-normalised");
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone net = Backbones.load(files.backbone(), m).backbone();
      Backbones.save(
          net,
          new BackboneInput(8, 32, List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225)),
          other,
          Map.of());
    }
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                Criteria.builder()
                    .setTypes(Path.class, float[].class)
                    .optModelPath(other)
                    .optTranslatorFactory(new VideoFeatureTranslatorFactory())
                    .build()
                    .loadModel());
    assertTrue(
        e.getMessage().contains("but the data pipeline normalises with the Kinetics statistics"),
        e.getMessage());
  }
}
