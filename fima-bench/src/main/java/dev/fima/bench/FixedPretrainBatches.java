package dev.fima.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Progress;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.data.LoaderStats;
import dev.fima.api.data.PretrainAugmenter;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.data.ViewClips;
import dev.fima.api.random.Seeds;
import dev.fima.datasets.VideoPretrainDataSource;
import dev.fima.datasets.augment.RandomResizedCrop;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A pretraining data source that serves one fixed batch, made once, every step: what the loader
 * yields (two views of each sample, each a global clip, its local clips and its crop, values in [0,
 * 1] before colour augmentation), at a configuration's clip size and batch size, so that a step
 * benchmark times the step and not the decoding. Its augmenter is the video data source's own.
 *
 * <p>The clips are uniform noise drawn by libtorch from a seed; the crops are random resized crops
 * of a 4:3 frame, some flipped, drawn as the loader draws them, so that the dense term's geometry
 * has positives as with real crops.
 */
final class FixedPretrainBatches implements PretrainDataSource, AutoCloseable {

  /** Height and width of the frame the crops are cut from (a Kinetics-like 4:3 frame). */
  private static final int FRAME_HEIGHT = 240;

  private static final int FRAME_WIDTH = 320;

  private final NDManager manager;
  private final PretrainBatch batch;
  private final int batchesPerEpoch;

  /**
   * Makes the batch.
   *
   * @param config clip size, batch size and crop scales
   * @param batchesPerEpoch how many steps an epoch has
   * @param seed seed of the clips and crops
   */
  FixedPretrainBatches(PretrainConfig config, int batchesPerEpoch, long seed) {
    this.manager = NDManager.newBaseManager();
    this.batchesPerEpoch = batchesPerEpoch;
    ClipConfig clip = config.clip();
    int b = config.batchSize();
    manager.getEngine().setRandomSeed((int) Seeds.derive(seed, 1));
    SplittableRandom crops = Seeds.random(seed, 2);
    this.batch =
        new PretrainBatch(
            view(clip, config.augment(), b, crops),
            view(clip, config.augment(), b, crops),
            IntStream.range(0, b).toArray());
  }

  private ViewClips view(ClipConfig clip, AugmentConfig augment, int b, SplittableRandom random) {
    int s = clip.crop();
    NDArray global = manager.randomUniform(0, 1, new Shape(b, 3, clip.frames(), s, s));
    List<NDArray> locals = new ArrayList<>();
    for (int i = 0; i < clip.localClips(); i++) {
      locals.add(manager.randomUniform(0, 1, new Shape(b, 3, clip.localClipFrames(), s, s)));
    }
    RandomResizedCrop cropper =
        new RandomResizedCrop(augment.minScale(), augment.maxScale(), augment.flipProbability());
    float[] coords = new float[4 * b];
    for (int i = 0; i < b; i++) {
      System.arraycopy(
          cropper.sample(FRAME_HEIGHT, FRAME_WIDTH, random).coords(), 0, coords, 4 * i, 4);
    }
    // A copy libtorch owns: an array made from Java data borrows a buffer freed with it.
    NDArray crop;
    try (NDArray borrowed = manager.create(coords, new Shape(b, 4))) {
      crop = borrowed.duplicate();
    }
    return new ViewClips(global, locals, crop);
  }

  @Override
  public PretrainBatchLoader open(PretrainConfig config, Progress progress) {
    return new Loader();
  }

  @Override
  public PretrainAugmenter augmenter(PretrainConfig config) {
    return new VideoPretrainDataSource().augmenter(config);
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Hands out new handles on the fixed batch, so that a step closing them keeps the batch. */
  private final class Loader implements PretrainBatchLoader {
    private long samples;

    @Override
    public int batchesPerEpoch() {
      return batchesPerEpoch;
    }

    @Override
    public Iterator<PretrainBatch> epoch(NDManager into, int epoch, int fromBatch) {
      return new Iterator<>() {
        private int next = fromBatch;

        @Override
        public boolean hasNext() {
          return next < batchesPerEpoch;
        }

        @Override
        public PretrainBatch next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          next++;
          samples += batch.size();
          return new PretrainBatch(
              viewOf(batch.m(), into), viewOf(batch.n(), into), batch.videoIndices());
        }
      };
    }

    @Override
    public LoaderStats stats() {
      return new LoaderStats(samples, 0, 0, List.of());
    }

    @Override
    public void close() {}
  }

  private static ViewClips viewOf(ViewClips v, NDManager into) {
    return new ViewClips(
        handle(v.global(), into),
        v.locals().stream().map(a -> handle(a, into)).toList(),
        handle(v.crop(), into));
  }

  /** A new handle on the same data (no copy), owned by {@code into}. */
  private static NDArray handle(NDArray a, NDManager into) {
    NDArray h = a.reshape(a.getShape());
    h.attach(into);
    return h;
  }
}
