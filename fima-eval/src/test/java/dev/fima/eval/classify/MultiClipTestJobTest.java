package dev.fima.eval.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fima.api.DataException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.Averaging;
import dev.fima.api.config.TestConfig;
import dev.fima.api.data.Split;
import dev.fima.api.data.VideoCatalog;
import dev.fima.api.jobs.ClipTester;
import dev.fima.api.jobs.EvalReport;
import dev.fima.djl.testing.TinyBackbone;
import dev.fima.eval.features.ClipFeatures;
import dev.fima.eval.features.FrozenFeatures;
import dev.fima.eval.testing.FakeSupervisedData;
import dev.fima.eval.testing.Fixtures;
import dev.fima.eval.testing.TinyBackboneProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiClipTestJobTest {

  @TempDir Path dir;

  private final FakeSupervisedData data = new FakeSupervisedData(3, 4, 3, 0.05f);
  private final TinyBackboneProvider backbones = new TinyBackboneProvider();

  /**
   * Builds a nearest-centroid classifier by hand: the head's row k is the mean training feature of
   * class k and its bias is -|mean_k|^2 / 2, so the logit order is the order of distances to the
   * class means. On flat-colour classes that is a perfect classifier, whatever the random backbone.
   */
  private Path saveCentroidModel(NDManager m) {
    TinyBackbone backbone = TinyBackbone.withBatchNorm(8);
    backbone.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 16, 16));
    VideoCatalog catalog = data.catalog(Fixtures.data(dir));
    ClipFeatures f;
    try (var loader =
        data.evalLoader(
            Fixtures.data(dir), Fixtures.CLIP, 1, 1, catalog.videos(Split.TRAIN), 4, null)) {
      f = FrozenFeatures.extract(backbone, loader, data.augmenter(AugmentConfig.defaults()), m);
    }
    float[][] avg = f.averaged();
    float[] w = new float[3 * 8];
    float[] b = new float[3];
    int[] count = new int[3];
    for (int i = 0; i < f.size(); i++) {
      count[f.labels()[i]]++;
      for (int c = 0; c < 8; c++) {
        w[f.labels()[i] * 8 + c] += avg[i][c];
      }
    }
    for (int k = 0; k < 3; k++) {
      for (int c = 0; c < 8; c++) {
        w[k * 8 + c] /= count[k];
        b[k] -= w[k * 8 + c] * w[k * 8 + c] / 2;
      }
    }
    VideoClassifier classifier = new VideoClassifier(backbone, 3, 0.5f);
    classifier.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 16, 16));
    classifier.head().getParameters().get("weight").getArray().set(w);
    classifier.head().getParameters().get("bias").getArray().set(b);
    Path folder = dir.resolve("model");
    FineTunedModel.save(
        classifier, catalog.classNames(), Map.of("trainedBy", "hand"), backbones, folder, m);
    return folder;
  }

  private TestConfig config(Path model, int clips, int crops, Averaging averaging) {
    return new TestConfig(
        model.toString(),
        Fixtures.data(dir),
        Fixtures.CLIP,
        clips,
        crops,
        averaging,
        6,
        Fixtures.run(dir.resolve("out-" + clips + "x" + crops), 3));
  }

  @Test
  void savedModelLoadsBackToIdenticalLogits() {
    try (NDManager m = NDManager.newBaseManager()) {
      Path folder = saveCentroidModel(m);
      FineTunedModel a = FineTunedModel.load(folder, backbones, Fixtures.CLIP, m, 1);
      FineTunedModel b = FineTunedModel.load(folder, backbones, Fixtures.CLIP, m, 2);
      NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 4, 16, 16));
      ParameterStore ps = new ParameterStore(m, false);
      float[] la =
          a.classifier().forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
      float[] lb =
          b.classifier().forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
      assertArrayEquals(la, lb);
      assertEquals(List.of("Class0", "Class1", "Class2"), a.classNames());
      assertEquals(0.5f, a.classifier().dropoutRate());
    }
  }

  @Test
  void tenClipsByOneAndByThreeCropsScoreEveryTestVideo() throws IOException {
    Path folder;
    try (NDManager m = NDManager.newBaseManager()) {
      folder = saveCentroidModel(m);
    }
    ClipTester tester = new MultiClipTestJob(data, backbones);
    for (int crops : new int[] {1, 3}) {
      EvalReport r = tester.test(config(folder, 10, crops, Averaging.PROBABILITIES));
      assertEquals(1.0, r.metrics().get("top1"), "centroid classifier on flat colours");
      assertEquals(1.0, r.metrics().get("meanClassAccuracy"));
      assertEquals(9.0, r.metrics().get("videos"));
      assertEquals("10 x " + crops, r.protocol().get("clipsPerVideo"));
      assertEquals("probabilities", r.protocol().get("averaging"));
      Path out = r.outputDir();
      List<String> predictions = Files.readAllLines(out.resolve("test-predictions.csv"));
      assertEquals(10, predictions.size());
      for (String line : predictions.subList(1, 10)) {
        String[] cells = line.split(",");
        assertEquals(cells[1], cells[2], "true = predicted: " + line);
      }
      assertTrue(Files.isRegularFile(out.resolve("test-confusion.png")));
      assertTrue(
          Files.readString(out.resolve("test-per-class.csv")).contains("0,Class0,3,3,1.000000"));
    }
    assertEquals(3, data.evalLoadersOpened, "building the centroids, then one loader per test");
  }

  @Test
  void aModelForOtherClassesIsRefusedNamingItsDescriptor() {
    Path folder;
    try (NDManager m = NDManager.newBaseManager()) {
      folder = saveCentroidModel(m);
    }
    FakeSupervisedData fourClasses = new FakeSupervisedData(4, 2, 1, 0.05f);
    ClipTester tester = new MultiClipTestJob(fourClasses, backbones);
    DataException e =
        assertThrows(
            DataException.class, () -> tester.test(config(folder, 2, 1, Averaging.LOGITS)));
    assertTrue(e.getMessage().contains("model.json"), e.getMessage());
    assertTrue(e.getMessage().contains("3 classes that differ from the 4"), e.getMessage());
  }

  @Test
  void aMissingModelFolderNamesTheField() {
    ClipTester tester = new MultiClipTestJob(data, backbones);
    var e =
        assertThrows(
            dev.fima.api.ConfigException.class,
            () -> tester.test(config(dir.resolve("nothing"), 2, 1, Averaging.LOGITS)));
    assertEquals("model", e.field());
  }
}
