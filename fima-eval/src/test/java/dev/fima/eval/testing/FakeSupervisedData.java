package dev.fima.eval.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Progress;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.data.ClipAugmenter;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.LoaderStats;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.data.Split;
import dev.fima.api.data.SupervisedDataSource;
import dev.fima.api.data.VideoCatalog;
import dev.fima.api.data.VideoEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;

/**
 * A fake supervised data source: each class is a flat colour (plus per-view noise), so features of
 * any backbone separate the classes. Videos whose file name is in {@link #undecodable} are
 * quarantined by every loader, as a real loader does with a broken file.
 */
public final class FakeSupervisedData implements SupervisedDataSource {

  /** Class colours in [0, 1]: distinct in every channel combination. */
  private static final float[][] PALETTE = {
    {0.9f, 0.1f, 0.1f}, {0.1f, 0.9f, 0.1f}, {0.1f, 0.1f, 0.9f}, {0.8f, 0.8f, 0.2f}
  };

  private final int classes;
  private final int trainPerClass;
  private final int testPerClass;
  private final float noise;

  /** File names (e.g. {@code v3.avi}) every loader quarantines. */
  public Set<String> undecodable = Set.of();

  /** Training batches ({@code "epoch/batch"}) whose first value is NaN. */
  public Set<String> poisoned = Set.of();

  /** Evaluation loaders opened so far. */
  public int evalLoadersOpened;

  /** Training loaders opened so far. */
  public int trainLoadersOpened;

  /**
   * Creates the source.
   *
   * @param classes number of classes, at most 4
   * @param trainPerClass training videos per class
   * @param testPerClass test videos per class
   * @param noise standard deviation of the per-pixel noise
   */
  public FakeSupervisedData(int classes, int trainPerClass, int testPerClass, float noise) {
    this.classes = classes;
    this.trainPerClass = trainPerClass;
    this.testPerClass = testPerClass;
    this.noise = noise;
  }

  @Override
  public VideoCatalog catalog(DataConfig data) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add("Class" + c);
    }
    List<VideoEntry> train = entries(names, trainPerClass, 0);
    List<VideoEntry> test = entries(names, testPerClass, classes * trainPerClass);
    return new VideoCatalog() {
      @Override
      public String name() {
        return "fake split " + data.split();
      }

      @Override
      public List<String> classNames() {
        return names;
      }

      @Override
      public List<VideoEntry> videos(Split split) {
        return split == Split.TRAIN ? train : test;
      }
    };
  }

  private static List<VideoEntry> entries(List<String> names, int perClass, int first) {
    List<VideoEntry> list = new ArrayList<>();
    int id = first;
    // Interleave classes, like a real list sorted by path would not; order must not matter.
    for (int i = 0; i < perClass; i++) {
      for (int c = 0; c < names.size(); c++) {
        list.add(
            new VideoEntry(Path.of("fake", names.get(c), "v" + id++ + ".avi"), c, names.get(c)));
      }
    }
    return list;
  }

  @Override
  public LabeledBatchLoader trainLoader(
      DataConfig data,
      ClipConfig clip,
      AugmentConfig augment,
      List<VideoEntry> videos,
      int batchSize,
      long seed,
      Progress progress) {
    trainLoadersOpened++;
    return new Loader(clip, videos, batchSize, 0, true, seed);
  }

  @Override
  public LabeledBatchLoader evalLoader(
      DataConfig data,
      ClipConfig clip,
      int clips,
      int crops,
      List<VideoEntry> videos,
      int batchSize,
      Progress progress) {
    evalLoadersOpened++;
    return new Loader(clip, videos, batchSize, clips * crops, false, 0);
  }

  @Override
  public ClipAugmenter augmenter(AugmentConfig augment) {
    return new ClipAugmenter() {
      @Override
      public NDArray augment(NDArray clips, long seed) {
        return normalize(clips);
      }

      @Override
      public NDArray normalize(NDArray clips) {
        return clips.sub(0.45f).div(0.225f);
      }
    };
  }

  /** Batches of flat-colour clips; views = 0 gives training batches {@code [B, 3, T, S, S]}. */
  private final class Loader implements LabeledBatchLoader {
    private final ClipConfig clip;
    private final List<VideoEntry> videos;
    private final int batchSize;
    private final int views;
    private final boolean train;
    private final long seed;
    private final List<QuarantineEntry> quarantine = new ArrayList<>();
    private long samples;

    Loader(
        ClipConfig clip,
        List<VideoEntry> videos,
        int batchSize,
        int views,
        boolean train,
        long seed) {
      this.clip = clip;
      this.videos = videos;
      this.batchSize = batchSize;
      this.views = views;
      this.train = train;
      this.seed = seed;
    }

    @Override
    public int batchesPerEpoch() {
      int usable = usable().size();
      return train ? usable / batchSize : (usable + batchSize - 1) / batchSize;
    }

    private List<Integer> usable() {
      List<Integer> list = new ArrayList<>();
      for (int i = 0; i < videos.size(); i++) {
        if (!undecodable.contains(videos.get(i).path().getFileName().toString())) {
          list.add(i);
        }
      }
      return list;
    }

    @Override
    public Iterator<LabeledBatch> epoch(NDManager manager, int epoch, int fromBatch) {
      quarantine.clear();
      for (int i = 0; i < videos.size(); i++) {
        if (undecodable.contains(videos.get(i).path().getFileName().toString())) {
          quarantine.add(new QuarantineEntry(videos.get(i).path(), "truncated: fake"));
        }
      }
      List<Integer> order = usable();
      if (train) {
        java.util.Collections.shuffle(order, new Random(seed * 31 + epoch));
      }
      int batches = batchesPerEpoch();
      return new Iterator<>() {
        int b = fromBatch;

        @Override
        public boolean hasNext() {
          return b < batches;
        }

        @Override
        public LabeledBatch next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          int start = b * batchSize;
          int n = Math.min(batchSize, order.size() - start);
          int k = Math.max(views, 1);
          int t = clip.frames();
          int s = clip.crop();
          int per = 3 * t * s * s;
          float[] data = new float[n * k * per];
          long[] labels = new long[n];
          int[] idx = new int[n];
          for (int i = 0; i < n; i++) {
            int v = order.get(start + i);
            VideoEntry e = videos.get(v);
            labels[i] = e.label();
            idx[i] = v;
            for (int view = 0; view < k; view++) {
              Random r = new Random(v * 1000L + view + (train ? 7919L * epoch : 0));
              int base = (i * k + view) * per;
              for (int ch = 0; ch < 3; ch++) {
                float colour = PALETTE[e.label()][ch];
                for (int p = 0; p < t * s * s; p++) {
                  float x = colour + noise * (float) r.nextGaussian();
                  data[base + ch * t * s * s + p] = Math.max(0, Math.min(1, x));
                }
              }
            }
          }
          if (train && poisoned.contains(epoch + "/" + b)) {
            data[0] = Float.NaN;
          }
          b++;
          samples += n;
          Shape shape = views == 0 ? new Shape(n, 3, t, s, s) : new Shape(n, views, 3, t, s, s);
          return new LabeledBatch(manager.create(data, shape), manager.create(labels), idx);
        }
      };
    }

    @Override
    public LoaderStats stats() {
      return new LoaderStats(samples, quarantine.size(), 0, quarantine);
    }

    @Override
    public void close() {}
  }
}
