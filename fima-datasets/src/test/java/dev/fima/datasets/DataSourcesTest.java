package dev.fima.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Progress;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DatasetKind;
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
import dev.fima.datasets.readers.DatasetReader;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.readers.Ucf101;
import dev.fima.datasets.readers.VideoDataset;
import dev.fima.datasets.readers.VideoFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    try (PretrainBatchLoader loader = source.open(config, null);
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
    try (PretrainBatchLoader again = source.open(config, null)) {
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
    Recording indexing = new Recording();
    try (LabeledBatchLoader train =
            source.trainLoader(
                data, p.clip(), p.augment(), catalog.videos(Split.TRAIN), 4, 1, null);
        LabeledBatchLoader eval =
            source.evalLoader(data, p.clip(), 2, 1, catalog.videos(Split.TEST), 2, indexing);
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
    // Only this test reads the 3 test videos, so their indexing is new and goes to the caller's
    // progress, to its end.
    assertEquals("Indexing 3 videos", indexing.title);
    assertEquals(3, indexing.max);
    assertEquals(3, indexing.last);
    assertTrue(indexing.ended);
  }

  /** A progress that remembers what the data side reported to it. */
  private static final class Recording implements Progress {
    String title;
    long max;
    long last;
    boolean ended;

    @Override
    public void reset(String message, long max, String trailingMessage) {
      this.title = message;
      this.max = max;
    }

    @Override
    public void start(long initialProgress) {
      last = initialProgress;
    }

    @Override
    public void end() {
      ended = true;
    }

    @Override
    public void increment(long increment) {
      last += increment;
    }

    @Override
    public void update(long progress, String message) {
      last = Math.max(last, progress);
    }
  }

  /**
   * The reader is the one for the configuration's {@code data.dataset}: a module that binds a
   * reader for UCF101 replaces the built-in one in what the bound data source reads, and a source
   * without a reader for the kind names the field.
   */
  @Test
  void theReaderIsTheOneBoundForTheConfiguredKind() {
    List<String> opened = new ArrayList<>();
    DatasetReader counting =
        () -> {
          opened.add("ucf101");
          return Ucf101.builder();
        };
    Injector replaced =
        Guice.createInjector(
            new DatasetsModule(),
            binder ->
                DatasetsModule.readers(binder).addBinding(DatasetKind.UCF101).toInstance(counting));
    SupervisedDataSource source = replaced.getInstance(SupervisedDataSource.class);
    assertEquals(9, source.catalog(pretrain().data()).videos(Split.TRAIN).size());
    assertEquals(List.of("ucf101"), opened);

    SupervisedDataSource folderOnly =
        new VideoSupervisedDataSource(
            new Readers(Map.of(DatasetKind.FOLDER, (DatasetReader) VideoFolder::builder)));
    ConfigException e =
        assertThrows(ConfigException.class, () -> folderOnly.catalog(pretrain().data()));
    assertEquals("data.dataset", e.field());
    assertEquals("data.dataset: no reader is bound for UCF101; bound: [FOLDER]", e.getMessage());
  }

  @Test
  void missingRootIsAConfigurationError() {
    PretrainConfig config = Configs.load(PretrainConfig.defaults(), null, List.of());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> injector.getInstance(PretrainDataSource.class).open(config, null));
    assertEquals("data.root", e.field());
  }
}
