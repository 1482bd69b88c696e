package dev.fima.datasets.loader;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.FimaException;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.RankShard;
import dev.fima.api.data.ViewClips;
import dev.fima.api.random.Seeds;
import dev.fima.datasets.augment.CropBox;
import dev.fima.datasets.augment.CropResizer;
import dev.fima.datasets.augment.RandomResizedCrop;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.sampling.TwoWindowClipSampler;
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
 * The pretraining loader (section 1.1): per video and epoch, two distinct windows m and n, each
 * giving a strided global clip and {@code localClips} consecutive local clips, every clip with its
 * own random resized crop and flip; the crop coordinates of the global clips go with the batch.
 *
 * <p>Everything random is a pure function of the run seed: the epoch order is a permutation drawn
 * from {@code (seed, epoch)}, and the sample at position {@code p} of that order, delivered in
 * batch {@code b}, draws its windows, crops and flips from {@code (seed, epoch, p, b)}. Batch
 * {@code b} holds positions {@code [bB, (b+1)B)}; the last incomplete batch is dropped. A video
 * that fails to decode is quarantined and its slot refilled by the rule of {@link Refills}.
 */
public final class PretrainLoader extends PrefetchingLoader<PretrainBatch>
    implements PretrainBatchLoader {

  private final ClipIndex index;
  private final int[] usable;
  private final ClipConfig clip;
  private final RandomResizedCrop crop;
  private final int batchSize;
  private final RankShard shard;
  private final int localBatch;
  private final int shortSide;
  private final long seed;
  private final StagingArrays staging = new StagingArrays();
  private final ConcurrentLinkedQueue<Buffers> free = new ConcurrentLinkedQueue<>();
  private int orderEpoch = -1;
  private int[] order;

  /**
   * Opens the loader.
   *
   * @param index the clip index of the dataset's videos; videos it quarantined are left out
   * @param clip clip geometry
   * @param augment crop scale range and flip probability
   * @param batchSize samples per batch
   * @param workers decoding threads (0 decodes on the consumer thread)
   * @param prefetchBatches batches decoded ahead
   * @param shortSide resize frames to this short side before cropping, 0 for none
   * @param seed the run seed
   */
  public PretrainLoader(
      ClipIndex index,
      ClipConfig clip,
      AugmentConfig augment,
      int batchSize,
      int workers,
      int prefetchBatches,
      int shortSide,
      long seed) {
    this(
        index,
        clip,
        augment,
        batchSize,
        workers,
        prefetchBatches,
        shortSide,
        seed,
        RankShard.WHOLE);
  }

  /**
   * Opens the loader of one rank's part of every batch: batch {@code b} of rank {@code r} holds
   * positions {@code [bB + r B/n, bB + (r+1) B/n)} of the epoch order, which every rank draws
   * alike, so that each video is loaded once per epoch across the ranks and the ranks' batches one
   * after the other are the batch of a loader of the whole.
   *
   * @param index the clip index of the dataset's videos; videos it quarantined are left out
   * @param clip clip geometry
   * @param augment crop scale range and flip probability
   * @param batchSize samples per global batch, over every rank
   * @param workers decoding threads (0 decodes on the consumer thread)
   * @param prefetchBatches batches decoded ahead
   * @param shortSide resize frames to this short side before cropping, 0 for none
   * @param seed the run seed
   * @param shard this rank's part of every batch
   */
  public PretrainLoader(
      ClipIndex index,
      ClipConfig clip,
      AugmentConfig augment,
      int batchSize,
      int workers,
      int prefetchBatches,
      int shortSide,
      long seed,
      RankShard shard) {
    super(workers, prefetchBatches, new QuarantineLog());
    ClipIndex strict = index.requireWindow(clip.windowFrames());
    quarantine.addAll(strict.quarantine());
    this.index = strict;
    this.usable = strict.usable();
    this.clip = clip;
    this.crop =
        new RandomResizedCrop(augment.minScale(), augment.maxScale(), augment.flipProbability());
    this.batchSize = batchSize;
    this.shard = shard;
    this.localBatch = shard.localBatch(batchSize);
    this.shortSide = shortSide;
    this.seed = seed;
    if (usable.length < batchSize) {
      throw new FimaException(
          "only "
              + usable.length
              + " usable videos for a batch of "
              + batchSize
              + " ("
              + quarantine.size()
              + " quarantined, see the clip index)");
    }
  }

  @Override
  public int batchesPerEpoch() {
    return usable.length / batchSize;
  }

  @Override
  public Iterator<PretrainBatch> epoch(NDManager manager, int epoch, int fromBatch) {
    return iterate(manager, epoch, fromBatch, batchesPerEpoch());
  }

  private synchronized int[] order(int epoch) {
    if (orderEpoch != epoch) {
      order = Seeds.permutation(usable.length, Seeds.random(seed, epoch, -1));
      orderEpoch = epoch;
    }
    return order;
  }

  @Override
  protected Job<PretrainBatch> start(int epoch, int batch) {
    int[] ord = order(epoch);
    Buffers buf = free.poll();
    if (buf == null) {
      buf = new Buffers();
    }
    Buffers b = buf;
    List<Future<Outcome>> futures = new ArrayList<>();
    for (int j = 0; j < localBatch; j++) {
      int slot = j;
      int position = shard.position(batch, batchSize, j);
      futures.add(submit(() -> decode(b, slot, epoch, batch, position, ord)));
    }
    return manager -> {
      Refills refills = new Refills(batch, batchSize, usable.length);
      for (int j = 0; j < localBatch; j++) {
        Outcome o = await(futures.get(j));
        while (o.error() != null) {
          quarantine.add(o.error().video(), o.error().reason());
          int position = nextCandidate(refills, ord);
          o = decode(b, j, epoch, batch, position, ord);
        }
      }
      PretrainBatch result = b.toBatch(manager);
      free.add(b);
      delivered(localBatch, 0);
      return result;
    };
  }

  private int nextCandidate(Refills refills, int[] ord) {
    int p;
    while ((p = refills.next()) >= 0) {
      if (!quarantine.contains(index.path(usable[ord[p]]))) {
        return p;
      }
    }
    throw new FimaException("every video of the epoch failed to decode; see the quarantine");
  }

  private Outcome decode(Buffers b, int slot, int epoch, int batch, int position, int[] ord) {
    int video = usable[ord[position]];
    Path path = index.path(video);
    if (quarantine.contains(path)) {
      return new Outcome(new BadVideoException(path, "quarantined", null), false);
    }
    SplittableRandom random = Seeds.random(seed, epoch, position, batch);
    int windows = index.windows(video, clip.windowFrames());
    int[] mn = TwoWindowClipSampler.sample(windows, random);
    try (VideoReader reader = VideoReader.open(path, index.info(video), shortSide)) {
      int h = reader.height();
      int w = reader.width();
      CropBox[][] boxes = new CropBox[2][1 + clip.localClips()];
      for (int v = 0; v < 2; v++) {
        for (int k = 0; k < boxes[v].length; k++) {
          boxes[v][k] = crop.sample(h, w, random);
        }
      }
      for (int v = 0; v < 2; v++) {
        System.arraycopy(boxes[v][0].coords(), 0, b.views[v].crop, slot * 4, 4);
      }
      // The earlier window first, so that overlapping or close windows decode forward.
      int first = mn[0] <= mn[1] ? 0 : 1;
      for (int v : new int[] {first, 1 - first}) {
        float[] global = b.views[v].global;
        float[][] locals = b.views[v].locals;
        List<ClipTarget> localTargets = new ArrayList<>();
        for (int k = 0; k < clip.localClips(); k++) {
          localTargets.add(
              new ClipTarget(
                  new CropResizer(boxes[v][k + 1], clip.crop()),
                  locals[k],
                  slot * b.localSize,
                  clip.localClipFrames()));
        }
        ClipTarget globalTarget =
            new ClipTarget(
                new CropResizer(boxes[v][0], clip.crop()),
                global,
                slot * b.globalSize,
                clip.frames());
        int real =
            ClipDecoder.decodeWindow(reader, mn[v], clip, List.of(globalTarget), localTargets);
        if (real < clip.windowFrames()) {
          throw new BadVideoException(
              path,
              "truncated: only "
                  + real
                  + " of the "
                  + clip.windowFrames()
                  + " frames from frame "
                  + mn[v]
                  + " decode",
              null);
        }
      }
      b.videoIndices[slot] = video;
      return new Outcome(null, false);
    } catch (BadVideoException e) {
      return new Outcome(e, false);
    }
  }

  /** The reusable float buffers of one batch: one set per view, m and n. */
  private final class Buffers {
    final int globalSize = 3 * clip.frames() * clip.crop() * clip.crop();
    final int localSize = 3 * clip.localClipFrames() * clip.crop() * clip.crop();
    final View[] views = {new View(), new View()};
    final int[] videoIndices = new int[localBatch];

    /** One view's buffers, one per tensor. */
    final class View {
      final float[] global = new float[localBatch * globalSize];
      final float[][] locals = new float[clip.localClips()][localBatch * localSize];
      final float[] crop = new float[localBatch * 4];

      ViewClips toClips(NDManager manager) {
        int s = clip.crop();
        Shape l = new Shape(localBatch, 3, clip.localClipFrames(), s, s);
        List<NDArray> localClips = new ArrayList<>();
        for (float[] local : locals) {
          localClips.add(staging.create(manager, local, l));
        }
        return new ViewClips(
            staging.create(manager, global, new Shape(localBatch, 3, clip.frames(), s, s)),
            localClips,
            manager.create(crop, new Shape(localBatch, 4)));
      }
    }

    PretrainBatch toBatch(NDManager manager) {
      return new PretrainBatch(
          views[0].toClips(manager), views[1].toClips(manager), videoIndices.clone());
    }
  }
}
