package dev.fima.datasets.loader;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.FimaException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.random.Seeds;
import dev.fima.datasets.augment.CropBox;
import dev.fima.datasets.augment.CropResizer;
import dev.fima.datasets.augment.RandomResizedCrop;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.sampling.RandomClipSampler;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * The supervised training loader (section 8): per video and epoch one random window, its strided
 * clip with a random resized crop and flip, shuffled, the last incomplete batch dropped. Order and
 * choices are pure functions of {@code (seed, epoch, position, batch)} as in {@link
 * PretrainLoader}, and failed videos are refilled by the rule of {@link Refills}.
 *
 * <p>A video shorter than one window is not skipped (the reference skips it silently): it has one
 * window at frame 0 whose missing frames repeat the last decoded frame, and such samples are
 * counted in {@link dev.fima.api.data.LoaderStats#clampedSamples()}. Videos the clip index found
 * unusable are quarantined from the start.
 */
public final class SupervisedTrainLoader extends PrefetchingLoader<LabeledBatch>
    implements LabeledBatchLoader {

  private final List<VideoEntry> videos;
  private final ClipIndex index;
  private final int[] usable;
  private final ClipConfig clip;
  private final RandomResizedCrop crop;
  private final int batchSize;
  private final int shortSide;
  private final long seed;
  private final StagingArrays staging = new StagingArrays();
  private final ConcurrentLinkedQueue<float[]> free = new ConcurrentLinkedQueue<>();
  private int orderEpoch = -1;
  private int[] order;

  /**
   * Opens the loader.
   *
   * @param videos the labelled videos, in the order {@link LabeledBatch#videoIndices()} refers to
   * @param index their clip index, same order
   * @param clip clip geometry
   * @param augment crop scale range and flip probability
   * @param batchSize samples per batch
   * @param workers decoding threads (0 decodes on the consumer thread)
   * @param prefetchBatches batches decoded ahead
   * @param shortSide resize frames to this short side before cropping, 0 for none
   * @param seed the run seed
   */
  public SupervisedTrainLoader(
      List<VideoEntry> videos,
      ClipIndex index,
      ClipConfig clip,
      AugmentConfig augment,
      int batchSize,
      int workers,
      int prefetchBatches,
      int shortSide,
      long seed) {
    super(workers, prefetchBatches, new QuarantineLog());
    if (index.size() != videos.size()) {
      throw new IllegalArgumentException("the index must cover the videos, in order");
    }
    quarantine.addAll(index.quarantine());
    this.videos = List.copyOf(videos);
    this.index = index;
    this.usable = index.usable();
    this.clip = clip;
    this.crop =
        new RandomResizedCrop(augment.minScale(), augment.maxScale(), augment.flipProbability());
    this.batchSize = batchSize;
    this.shortSide = shortSide;
    this.seed = seed;
    if (usable.length < batchSize) {
      throw new FimaException(
          "only " + usable.length + " usable videos for a batch of " + batchSize);
    }
  }

  @Override
  public int batchesPerEpoch() {
    return usable.length / batchSize;
  }

  @Override
  public Iterator<LabeledBatch> epoch(NDManager manager, int epoch, int fromBatch) {
    return iterate(manager, epoch, fromBatch, batchesPerEpoch());
  }

  private synchronized int[] order(int epoch) {
    if (orderEpoch != epoch) {
      order = Seeds.permutation(usable.length, Seeds.random(seed, epoch, -1));
      orderEpoch = epoch;
    }
    return order;
  }

  private int clipSize() {
    return 3 * clip.frames() * clip.crop() * clip.crop();
  }

  @Override
  protected Job<LabeledBatch> start(int epoch, int batch) {
    int[] ord = order(epoch);
    float[] polled = free.poll();
    float[] buffer = polled != null ? polled : new float[batchSize * clipSize()];
    int[] chosen = new int[batchSize];
    List<Future<Outcome>> futures = new ArrayList<>();
    for (int j = 0; j < batchSize; j++) {
      int slot = j;
      int position = batch * batchSize + j;
      futures.add(submit(() -> decode(buffer, chosen, slot, epoch, batch, position, ord)));
    }
    return manager -> {
      Refills refills = new Refills(batch, batchSize, usable.length);
      int clampedCount = 0;
      for (int j = 0; j < batchSize; j++) {
        Outcome o = await(futures.get(j));
        while (o.error() != null) {
          quarantine.add(o.error().video(), o.error().reason());
          int p;
          do {
            p = refills.next();
            if (p < 0) {
              throw new FimaException("every video of the epoch failed to decode");
            }
          } while (quarantine.contains(index.path(usable[ord[p]])));
          o = decode(buffer, chosen, j, epoch, batch, p, ord);
        }
        clampedCount += o.clamped() ? 1 : 0;
      }
      long[] labels = new long[batchSize];
      for (int j = 0; j < batchSize; j++) {
        labels[j] = videos.get(chosen[j]).label();
      }
      int s = clip.crop();
      LabeledBatch result =
          new LabeledBatch(
              staging.create(manager, buffer, new Shape(batchSize, 3, clip.frames(), s, s)),
              manager.create(labels),
              chosen);
      free.add(buffer);
      delivered(batchSize, clampedCount);
      return result;
    };
  }

  private Outcome decode(
      float[] buffer, int[] chosen, int slot, int epoch, int batch, int position, int[] ord) {
    int video = usable[ord[position]];
    Path path = index.path(video);
    if (quarantine.contains(path)) {
      return new Outcome(new BadVideoException(path, "quarantined", null), false);
    }
    SplittableRandom random = Seeds.random(seed, epoch, position, batch);
    int frames = index.info(video).frames();
    int start = RandomClipSampler.sample(index.windows(video, clip.windowFrames()), random);
    try (VideoReader reader = VideoReader.open(path, index.info(video), shortSide)) {
      CropBox box = crop.sample(reader.height(), reader.width(), random);
      ClipTarget target =
          new ClipTarget(
              new CropResizer(box, clip.crop()), buffer, slot * clipSize(), clip.frames());
      int needed = (clip.frames() - 1) * clip.stride() + 1;
      int real = ClipDecoder.decodeWindow(reader, start, clip, List.of(target), List.of());
      if (real < Math.min(needed, frames - start)) {
        throw new BadVideoException(
            path, "truncated: only " + real + " frames from frame " + start + " decode", null);
      }
      chosen[slot] = video;
      return new Outcome(null, real < needed);
    } catch (BadVideoException e) {
      return new Outcome(e, false);
    }
  }
}
