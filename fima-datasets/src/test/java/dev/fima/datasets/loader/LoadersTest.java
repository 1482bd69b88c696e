package dev.fima.datasets.loader;

import static dev.fima.datasets.TestVideos.avi;
import static dev.fima.datasets.TestVideos.indexAt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LoaderStats;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.RankShard;
import dev.fima.api.data.VideoEntry;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.index.ClipIndexer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadersTest {

  @TempDir Path dir;

  /** 4 frames at stride 3 in 16 x 16 crops, window 12 split into 3 local clips of 4 frames. */
  private static final ClipConfig CLIP = new ClipConfig(4, 3, 16, 3);

  private static final AugmentConfig AUGMENT = AugmentConfig.defaults();

  private List<Path> videos(int n, int frames) throws Exception {
    List<Path> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(avi(dir.resolve("v" + i + ".avi"), frames + i));
    }
    return list;
  }

  private static List<PretrainBatch> all(PretrainLoader loader, NDManager m, int epoch, int from) {
    List<PretrainBatch> list = new ArrayList<>();
    loader.epoch(m, epoch, from).forEachRemaining(list::add);
    return list;
  }

  private static void assertSame(PretrainBatch a, PretrainBatch b) {
    assertArrayEquals(a.videoIndices(), b.videoIndices());
    for (int i = 0; i < a.arrays().size(); i++) {
      assertArrayEquals(a.arrays().get(i).toFloatArray(), b.arrays().get(i).toFloatArray(), 0f);
    }
  }

  @Test
  void pretrainingSamplesCutTwoWindowsIntoStridedAndLocalClips() throws Exception {
    List<Path> videos = videos(5, 30);
    // A video shorter than one 12-frame window is quarantined before the first batch.
    videos.add(avi(dir.resolve("short.avi"), 11));
    ClipIndex index = new ClipIndexer(2).index(videos, null, null);
    try (PretrainLoader loader = new PretrainLoader(index, CLIP, AUGMENT, 2, 2, 2, 0, 42);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals(2, loader.batchesPerEpoch());
      assertEquals(
          List.of(
              new dev.fima.api.data.QuarantineEntry(
                  videos.get(5), "too short: 11 frames for a 12-frame window")),
          loader.stats().quarantine());
      List<PretrainBatch> batches = all(loader, m, 0, 0);
      assertEquals(2, batches.size());
      Set<Integer> seen = new HashSet<>();
      for (PretrainBatch b : batches) {
        assertEquals(new Shape(2, 3, 4, 16, 16), b.m().global().getShape());
        assertEquals(3, b.n().locals().size());
        assertEquals(new Shape(2, 3, 4, 16, 16), b.n().locals().get(2).getShape());
        assertEquals(new Shape(2, 4), b.m().crop().getShape());
        float[] gm = b.m().global().toFloatArray();
        float[] gn = b.n().global().toFloatArray();
        for (int s = 0; s < 2; s++) {
          seen.add(b.videoIndices()[s]);
          int clipSize = 3 * 4 * 256;
          int startM = indexAt(gm, s * clipSize, 4, 256, 0);
          int startN = indexAt(gn, s * clipSize, 4, 256, 0);
          assertNotEquals(startM, startN, "m and n must be distinct windows");
          for (int t = 0; t < 4; t++) {
            assertEquals(startM + 3 * t, indexAt(gm, s * clipSize, 4, 256, t));
          }
          for (int k = 0; k < 3; k++) {
            float[] local = b.m().locals().get(k).toFloatArray();
            for (int t = 0; t < 4; t++) {
              assertEquals(startM + 4 * k + t, indexAt(local, s * clipSize, 4, 256, t));
            }
          }
        }
        float[] coords = b.m().crop().toFloatArray();
        for (float c : coords) {
          assertTrue(c >= 0 && c <= 1, "coordinate " + c);
        }
      }
      assertEquals(4, seen.size(), "one epoch visits distinct videos");
      assertEquals(4, loader.stats().samples());
    }
  }

  @Test
  void epochsAreReproducibleResumableAndIndependentOfThreads() throws Exception {
    ClipIndex index = new ClipIndexer(2).index(videos(6, 26), null, null);
    try (PretrainLoader parallel = new PretrainLoader(index, CLIP, AUGMENT, 2, 2, 3, 0, 7);
        PretrainLoader serial = new PretrainLoader(index, CLIP, AUGMENT, 2, 0, 1, 0, 7);
        PretrainLoader other = new PretrainLoader(index, CLIP, AUGMENT, 2, 2, 3, 0, 8);
        NDManager m = NDManager.newBaseManager()) {
      List<PretrainBatch> full = all(parallel, m, 1, 0);
      List<PretrainBatch> again = all(serial, m, 1, 0);
      List<PretrainBatch> resumed = all(serial, m, 1, 2);
      assertEquals(3, full.size());
      for (int b = 0; b < 3; b++) {
        assertSame(full.get(b), again.get(b));
      }
      assertEquals(1, resumed.size());
      assertSame(full.get(2), resumed.get(0));
      List<PretrainBatch> nextEpoch = all(parallel, m, 2, 0);
      assertFalse(
          java.util.Arrays.equals(
              full.get(0).m().crop().toFloatArray(), nextEpoch.get(0).m().crop().toFloatArray()));
      assertFalse(
          java.util.Arrays.equals(
              full.get(0).m().crop().toFloatArray(),
              all(other, m, 1, 0).get(0).m().crop().toFloatArray()));
    }
  }

  @Test
  void twoRanksLoadTheHalvesOfEveryBatchOfTheWholeAndEachVideoOncePerEpoch() throws Exception {
    ClipIndex index = new ClipIndexer(2).index(videos(9, 26), null, null);
    try (PretrainLoader whole = new PretrainLoader(index, CLIP, AUGMENT, 4, 2, 2, 0, 7);
        PretrainLoader rank0 =
            new PretrainLoader(index, CLIP, AUGMENT, 4, 2, 2, 0, 7, new RankShard(0, 2));
        PretrainLoader rank1 =
            new PretrainLoader(index, CLIP, AUGMENT, 4, 1, 1, 0, 7, new RankShard(1, 2));
        NDManager m = NDManager.newBaseManager()) {
      // 9 videos, a global batch of 4: 2 batches per epoch for every rank, the last video left.
      assertEquals(2, rank0.batchesPerEpoch());
      assertEquals(2, rank1.batchesPerEpoch());
      for (int epoch = 0; epoch < 2; epoch++) {
        List<PretrainBatch> all = all(whole, m, epoch, 0);
        List<PretrainBatch> first = all(rank0, m, epoch, 0);
        List<PretrainBatch> second = all(rank1, m, epoch, 0);
        Set<Integer> seen = new HashSet<>();
        for (int b = 0; b < 2; b++) {
          PretrainBatch a = first.get(b);
          PretrainBatch z = second.get(b);
          assertEquals(2, a.size());
          int[] together =
              IntStream.concat(IntStream.of(a.videoIndices()), IntStream.of(z.videoIndices()))
                  .toArray();
          assertArrayEquals(all.get(b).videoIndices(), together);
          // The same windows, crops and flips as the whole batch's samples at those positions.
          NDArray halves = NDArrays.concat(new NDList(a.m().global(), z.m().global()));
          assertArrayEquals(all.get(b).m().global().toFloatArray(), halves.toFloatArray(), 0f);
          IntStream.of(together).forEach(v -> assertTrue(seen.add(v), "video " + v + " twice"));
        }
        assertEquals(8, seen.size());
      }
    }
  }

  @Test
  void aVideoThatFailsMidEpochIsQuarantinedAndItsSlotRefilledFromTheTail() throws Exception {
    List<Path> videos = videos(5, 26);
    ClipIndex index = new ClipIndexer(2).index(videos, null, null);
    List<PretrainBatch> clean;
    try (PretrainLoader loader = new PretrainLoader(index, CLIP, AUGMENT, 2, 2, 2, 0, 3);
        NDManager m = NDManager.newBaseManager()) {
      clean = all(loader, m, 0, 0);
      int victim = clean.get(0).videoIndices()[1];
      // The file goes bad after indexing: only the loader can notice.
      Files.write(videos.get(victim), new byte[] {0, 1, 2, 3});
      try (PretrainLoader broken = new PretrainLoader(index, CLIP, AUGMENT, 2, 2, 2, 0, 3)) {
        List<PretrainBatch> got = all(broken, m, 0, 0);
        assertEquals(2, got.size());
        LoaderStats stats = broken.stats();
        assertEquals(1, stats.quarantined());
        assertEquals(videos.get(victim), stats.quarantine().get(0).video());
        assertTrue(stats.quarantine().get(0).reason().startsWith("unreadable"));
        // Slot 0 is untouched; slot 1 holds the video the dropped last batch would have skipped.
        assertEquals(clean.get(0).videoIndices()[0], got.get(0).videoIndices()[0]);
        Set<Integer> used = new HashSet<>();
        for (PretrainBatch b : clean) {
          for (int v : b.videoIndices()) {
            used.add(v);
          }
        }
        int tail = -1;
        for (int v = 0; v < 5; v++) {
          if (!used.contains(v)) {
            tail = v;
          }
        }
        assertEquals(tail, got.get(0).videoIndices()[1]);
        assertSame(clean.get(1), got.get(1));
        assertEquals(4, stats.samples());
      }
    }
  }

  @Test
  void supervisedTrainingLabelsShortVideosAndShapes() throws Exception {
    List<VideoEntry> entries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      entries.add(
          new VideoEntry(avi(dir.resolve("s" + i + ".avi"), i == 3 ? 6 : 20), i % 2, "c" + i % 2));
    }
    ClipIndex index =
        new ClipIndexer(2).index(entries.stream().map(VideoEntry::path).toList(), null, null);
    ClipConfig clip = new ClipConfig(4, 2, 16, 1);
    try (SupervisedTrainLoader loader =
            new SupervisedTrainLoader(entries, index, clip, AUGMENT, 4, 2, 2, 0, 1);
        NDManager m = NDManager.newBaseManager()) {
      LabeledBatch b = loader.epoch(m, 0, 0).next();
      assertEquals(new Shape(4, 3, 4, 16, 16), b.clips().getShape());
      long[] labels = b.labels().toLongArray();
      float[] clips = b.clips().toFloatArray();
      for (int s = 0; s < 4; s++) {
        int video = b.videoIndices()[s];
        assertEquals(video % 2, labels[s]);
        int start = indexAt(clips, s * 3 * 4 * 256, 4, 256, 0);
        for (int t = 0; t < 4; t++) {
          // The 6-frame video has no 8-frame window: frames 0, 2, 4, then 5 repeated.
          int expected = video == 3 ? Math.min(2 * t, 5) : start + 2 * t;
          assertEquals(expected, indexAt(clips, s * 3 * 4 * 256, 4, 256, t), "video " + video);
        }
      }
      assertEquals(1, loader.stats().clampedSamples());
    }
  }

  @Test
  void evaluationDeliversEveryVideoWithUniformWindowsAndSkipsBrokenOnes() throws Exception {
    List<VideoEntry> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      entries.add(new VideoEntry(avi(dir.resolve("e" + i + ".avi"), 20), i, "c" + i));
    }
    ClipIndex index =
        new ClipIndexer(2).index(entries.stream().map(VideoEntry::path).toList(), null, null);
    Files.write(entries.get(1).path(), new byte[] {9, 9, 9});
    ClipConfig clip = new ClipConfig(2, 2, 16, 1);
    try (EvalLoader loader = new EvalLoader(entries, index, clip, 3, 3, 2, 2, 2, 0);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals(3, loader.batchesPerEpoch());
      Iterator<LabeledBatch> it = loader.epoch(m, 0, 0);
      List<Integer> delivered = new ArrayList<>();
      List<Long> sizes = new ArrayList<>();
      while (it.hasNext()) {
        LabeledBatch b = it.next();
        sizes.add(b.clips().getShape().get(0));
        assertEquals(9, b.clips().getShape().get(1));
        float[] data = b.clips().toFloatArray();
        for (int s = 0; s < b.size(); s++) {
          delivered.add(b.videoIndices()[s]);
          assertEquals(b.videoIndices()[s], b.labels().toLongArray()[s]);
          // 20 frames, window 4: 17 windows; 3 uniform windows start at 0, 8, 16.
          int[] starts = {0, 8, 16};
          for (int k = 0; k < 3; k++) {
            for (int c = 0; c < 3; c++) {
              int offset = ((s * 3 + k) * 3 + c) * 3 * 2 * 256;
              assertEquals(starts[k] + 2, indexAt(data, offset, 2, 256, 1));
            }
          }
        }
      }
      assertEquals(List.of(0, 2, 3, 4), delivered);
      assertEquals(List.of(1L, 2L, 1L), sizes);
      assertEquals(1, loader.stats().quarantined());
    }
  }

  @Test
  void aBatchKeptOpenIsNeverOverwrittenByLaterBatches() throws Exception {
    ClipIndex index = new ClipIndexer(2).index(videos(8, 24), null, null);
    try (PretrainLoader loader = new PretrainLoader(index, CLIP, AUGMENT, 2, 2, 1, 0, 5);
        NDManager m = NDManager.newBaseManager()) {
      Iterator<PretrainBatch> it = loader.epoch(m, 0, 0);
      PretrainBatch kept = it.next();
      float[] before = kept.m().global().toFloatArray();
      while (it.hasNext()) {
        try (NDManager step = m.newSubManager()) {
          it.next().arrays().attach(step);
        }
      }
      assertArrayEquals(before, kept.m().global().toFloatArray(), 0f);
    }
  }

  @Test
  void batchArraysLiveOnTheCallersManager() throws Exception {
    ClipIndex index = new ClipIndexer(1).index(videos(2, 20), null, null);
    try (PretrainLoader loader = new PretrainLoader(index, CLIP, AUGMENT, 2, 1, 1, 0, 1);
        NDManager outer = NDManager.newBaseManager()) {
      NDArray kept;
      try (NDManager step = outer.newSubManager()) {
        PretrainBatch b = loader.epoch(step, 0, 0).next();
        kept = b.m().global();
        assertEquals(step, kept.getManager());
        assertEquals(outer.getDevice(), kept.getDevice());
      }
      assertTrue(kept.isReleased());
    }
  }
}
