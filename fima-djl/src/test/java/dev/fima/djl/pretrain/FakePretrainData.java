package dev.fima.djl.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Progress;
import dev.fima.api.config.DiffMode;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.FrameDifference;
import dev.fima.api.data.LoaderStats;
import dev.fima.api.data.MotionInputs;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.RankShard;
import dev.fima.api.data.ViewClips;
import dev.fima.api.data.ViewInputs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A test-only data source: {@code videos} fixed random patterns ({@code [3, 4, 16, 16]}), two noisy
 * views of each per epoch with random crop coordinates (some flipped). Epoch order, views and
 * coordinates are pure functions of (seed, epoch), augmentation of (batch, seed), as the real
 * contracts require. Batches can be poisoned with NaN to exercise step skipping.
 */
final class FakePretrainData implements PretrainDataSource {

  private final int videos;
  private final java.util.Set<String> poisoned = new java.util.HashSet<>();
  int opened;

  FakePretrainData(int videos) {
    this.videos = videos;
  }

  FakePretrainData poison(int epoch, int batch) {
    poisoned.add(epoch + "/" + batch);
    return this;
  }

  /** Poisons a batch only in the run of one rank: {@code thisRank} is the rank this run is. */
  FakePretrainData poisonOnRank(int poisonedRank, int epoch, int batch, int thisRank) {
    return poisonedRank == thisRank ? poison(epoch, batch) : this;
  }

  private final java.util.Map<String, dev.fima.api.data.QuarantineEntry> failing =
      new java.util.HashMap<>();

  /** Makes the loader leave a video out when it delivers a batch (epoch -1: when it opens). */
  FakePretrainData leaveOut(int epoch, int batch, String video, String reason) {
    failing.put(
        epoch + "/" + batch,
        new dev.fima.api.data.QuarantineEntry(java.nio.file.Path.of(video), reason));
    return this;
  }

  private boolean noiseFree;

  /**
   * Makes the augmentation add nothing, so that a sample's inputs depend on it alone and not on the
   * batch it is in: a run split over ranks then sees exactly the inputs of one process.
   */
  FakePretrainData noiseFreeAugmentation() {
    noiseFree = true;
    return this;
  }

  @Override
  public PretrainBatchLoader open(PretrainConfig config, Progress progress) {
    return open(config, RankShard.WHOLE, progress);
  }

  @Override
  public PretrainBatchLoader open(PretrainConfig config, RankShard shard, Progress progress) {
    opened++;
    return new Loader(config, shard);
  }

  @Override
  public PretrainAugmenter augmenter(PretrainConfig config) {
    return (batch, seed, motion) -> {
      if (noiseFree) {
        NDArray m = batch.m().global().duplicate();
        NDArray n = batch.n().global().duplicate();
        return motion
            ? new FimaInputs(
                new ViewInputs(m, batch.m().crop(), differences(batch.m())),
                new ViewInputs(n, batch.n().crop(), differences(batch.n())))
            : new FimaInputs(
                new ViewInputs(m, batch.m().crop()), new ViewInputs(n, batch.n().crop()));
      }
      NDManager m = batch.m().global().getManager();
      Random random = new Random(seed);
      NDArray rgbM = batch.m().global().add(noise(m, random, batch.m().global().getShape(), 0.05f));
      NDArray rgbN = batch.n().global().add(noise(m, random, batch.n().global().getShape(), 0.05f));
      if (!motion) {
        return new FimaInputs(
            new ViewInputs(rgbM, batch.m().crop()), new ViewInputs(rgbN, batch.n().crop()));
      }
      return new FimaInputs(
          new ViewInputs(rgbM, batch.m().crop(), differences(batch.m())),
          new ViewInputs(rgbN, batch.n().crop(), differences(batch.n())));
    };
  }

  private static MotionInputs differences(ViewClips view) {
    return new MotionInputs(
        FrameDifference.compute(view.global(), DiffMode.WRAP),
        view.locals().stream().map(x -> FrameDifference.compute(x, DiffMode.WRAP)).toList(),
        null);
  }

  private static NDArray noise(NDManager m, Random random, Shape shape, float scale) {
    float[] v = new float[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian() * scale;
    }
    return m.create(v, shape);
  }

  private final class Loader implements PretrainBatchLoader {
    private final PretrainConfig config;
    private final int batchSize;
    private final RankShard shard;
    private long samples;
    private final List<dev.fima.api.data.QuarantineEntry> leftOut = new ArrayList<>();

    Loader(PretrainConfig config, RankShard shard) {
      this.config = config;
      this.batchSize = config.batchSize();
      this.shard = shard;
      if (failing.containsKey("-1/-1")) {
        leftOut.add(failing.get("-1/-1"));
      }
    }

    @Override
    public int batchesPerEpoch() {
      return videos / batchSize;
    }

    @Override
    public Iterator<PretrainBatch> epoch(NDManager manager, int epoch, int fromBatch) {
      List<Integer> order = new ArrayList<>();
      for (int v = 0; v < videos; v++) {
        order.add(v);
      }
      java.util.Collections.shuffle(order, new Random(config.run().seed() * 31 + epoch));
      return new Iterator<>() {
        int next = fromBatch;

        @Override
        public boolean hasNext() {
          return next < batchesPerEpoch();
        }

        @Override
        public PretrainBatch next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          int b = next++;
          int local = shard.localBatch(batchSize);
          samples += local;
          dev.fima.api.data.QuarantineEntry fails = failing.get(epoch + "/" + b);
          if (fails != null && !leftOut.contains(fails)) {
            leftOut.add(fails);
          }
          int from = shard.position(b, batchSize, 0);
          return batch(manager, epoch, b, order.subList(from, from + local));
        }
      };
    }

    private PretrainBatch batch(NDManager m, int epoch, int index, List<Integer> ids) {
      int n = ids.size();
      int clip = 3 * TinyPretrainModel.FRAMES * TinyPretrainModel.CROP * TinyPretrainModel.CROP;
      float[][] views = new float[6][n * clip];
      float[] coordM = new float[4 * n];
      float[] coordN = new float[4 * n];
      for (int i = 0; i < n; i++) {
        int video = ids.get(i);
        Random pattern = new Random(1000 + video);
        float[] base = new float[clip];
        for (int k = 0; k < clip; k++) {
          base[k] = (float) pattern.nextGaussian();
        }
        Random view = new Random(config.run().seed() ^ (epoch * 7919L + video));
        for (int v = 0; v < 6; v++) {
          for (int k = 0; k < clip; k++) {
            views[v][i * clip + k] = base[k] + 0.3f * (float) view.nextGaussian();
          }
        }
        crop(view, coordM, i);
        crop(view, coordN, i);
      }
      boolean poison = poisoned.contains(epoch + "/" + index);
      if (poison) {
        views[0][0] = Float.NaN;
      }
      Shape shape =
          new Shape(n, 3, TinyPretrainModel.FRAMES, TinyPretrainModel.CROP, TinyPretrainModel.CROP);
      int[] indices = ids.stream().mapToInt(Integer::intValue).toArray();
      return new PretrainBatch(
          new ViewClips(
              m.create(views[0], shape),
              List.of(m.create(views[1], shape), m.create(views[2], shape)),
              m.create(coordM, new Shape(n, 4))),
          new ViewClips(
              m.create(views[3], shape),
              List.of(m.create(views[4], shape), m.create(views[5], shape)),
              m.create(coordN, new Shape(n, 4))),
          indices);
    }

    private void crop(Random r, float[] coords, int i) {
      float x1 = r.nextFloat() * 0.3f;
      float y1 = r.nextFloat() * 0.3f;
      float x2 = x1 + 0.6f;
      float y2 = y1 + 0.6f;
      boolean flip = r.nextBoolean();
      coords[4 * i] = flip ? x2 : x1;
      coords[4 * i + 1] = y1;
      coords[4 * i + 2] = flip ? x1 : x2;
      coords[4 * i + 3] = y2;
    }

    @Override
    public LoaderStats stats() {
      return new LoaderStats(samples, leftOut.size(), 0, leftOut);
    }

    @Override
    public void close() {}
  }
}
