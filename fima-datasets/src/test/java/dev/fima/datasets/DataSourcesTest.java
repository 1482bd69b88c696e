package dev.fima.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoCatalog;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import dev.fima.datasets.readers.VideoDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Guice-bound data sources end to end on a generated dataset. */
class DataSourcesTest {

  @TempDir static Path dir;
  private static Path root;
  private static Injector injector;

  @BeforeAll
  static void generate() {
    injector = Guice.createInjector(new DatasetsModule());
    SynthConfig synth =
        Configs.load(
            SynthConfig.defaults(),
            null,
            List.of(
                "output=" + dir.resolve("synth"),
                "classes=3",
                "videosPerClass=4",
                "frames=24",
                "width=48",
                "height=32"));
    root = injector.getInstance(SyntheticVideoGenerator.class).generate(synth);
  }

  private static PretrainConfig pretrain() {
    return Configs.load(
        PretrainConfig.defaults(),
        null,
        List.of(
            "data.root=" + root,
            "clip.frames=4",
            "clip.stride=2",
            "clip.crop=16",
            "clip.localClips=2",
            "batchSize=3",
            "model.queueSize=12"));
  }

  @Test
  void pretrainingSourceLoadsAndAugmentsBatchesAndCachesItsIndex() throws Exception {
    PretrainDataSource source = injector.getInstance(PretrainDataSource.class);
    PretrainConfig config = pretrain();
    try (PretrainBatchLoader loader = source.open(config);
        NDManager m = NDManager.newBaseManager()) {
      // Pretraining reads trainlist01: 3 of 4 videos per class.
      assertEquals(3, loader.batchesPerEpoch());
      PretrainBatch batch = loader.epoch(m, 0, 0).next();
      FimaInputs in = source.augmenter(config).augment(batch, 5, true);
      assertEquals(new Shape(3, 3, 4, 16, 16), in.m().rgb().getShape());
      assertEquals(new Shape(3, 3, 4, 16, 16), in.n().motion().get().diff().getShape());
      assertEquals(2, in.m().motion().get().localDiffs().size());
      assertEquals(new Shape(3, 16, 16), in.n().motion().get().pixelMotion().getShape());
    }
    Path cache = root.resolve(VideoDataset.INDEX_FILE);
    assertTrue(Files.isRegularFile(cache));
    FileTime written = Files.getLastModifiedTime(cache);
    try (PretrainBatchLoader again = source.open(config)) {
      assertEquals(3, again.batchesPerEpoch());
    }
    assertEquals(written, Files.getLastModifiedTime(cache), "a second start reuses the cache");
  }

  @Test
  void supervisedSourceGivesCatalogTrainAndEvalLoaders() throws Exception {
    SupervisedDataSource source = injector.getInstance(SupervisedDataSource.class);
    PretrainConfig p = pretrain();
    DataConfig data = p.data();
    VideoCatalog catalog = source.catalog(data);
    assertEquals(List.of("MoveUp", "MoveDown", "Expand"), catalog.classNames());
    assertEquals(9, catalog.videos(Split.TRAIN).size());
    try (LabeledBatchLoader train =
            source.trainLoader(data, p.clip(), p.augment(), catalog.videos(Split.TRAIN), 4, 1);
        LabeledBatchLoader eval =
            source.evalLoader(data, p.clip(), 2, 1, catalog.videos(Split.TEST), 2);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals(2, train.batchesPerEpoch());
      LabeledBatch b = train.epoch(m, 0, 0).next();
      assertEquals(
          new Shape(4, 3, 4, 16, 16),
          source.augmenter(p.augment()).augment(b.clips(), 3).getShape());
      assertEquals(2, eval.batchesPerEpoch());
      LabeledBatch e = eval.epoch(m, 0, 0).next();
      assertEquals(new Shape(2, 2, 3, 4, 16, 16), e.clips().getShape());
    }
  }

  @Test
  void missingRootIsAConfigurationError() {
    PretrainConfig config = Configs.load(PretrainConfig.defaults(), null, List.of());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> injector.getInstance(PretrainDataSource.class).open(config));
    assertEquals("data.root", e.field());
  }
}
