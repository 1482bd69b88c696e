package dev.fima.datasets.loader;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LabeledBatchLoader;
import dev.fima.api.data.VideoEntry;
import dev.fima.datasets.augment.CropBox;
import dev.fima.datasets.augment.CropResizer;
import dev.fima.datasets.augment.FixedCrops;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.sampling.UniformClipSampler;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * The evaluation loader (section 8): for every video, {@code clips} uniformly spaced windows
 * ({@link UniformClipSampler}) times {@code crops} fixed crops ({@link FixedCrops}: the centre, or
 * the start, centre and end of the long side after the short side is resized to S), in video order,
 * {@code [B, clips * crops, 3, T, S, S]}, clip {@code k * crops + c} being window {@code k}, crop
 * {@code c}. Batch {@code b} holds videos {@code [bB, (b+1)B)} of the list; the last batch may be
 * smaller. Nothing is random.
 *
 * <p>Every decodable video is delivered. Videos shorter than one window repeat their last frame and
 * are counted in {@link dev.fima.api.data.LoaderStats#clampedSamples()}; a video that cannot be
 * decoded is quarantined and its batch delivered without it (never replaced, so no prediction is
 * ever made for the wrong video), and a batch left empty is skipped.
 */
public final class EvalLoader extends PrefetchingLoader<LabeledBatch>
    implements LabeledBatchLoader {

  private final List<VideoEntry> videos;
  private final ClipIndex index;
  private final ClipConfig clip;
  private final int clips;
  private final int crops;
  private final int batchSize;
  private final int shortSide;
  private final StagingArrays staging = new StagingArrays();
  private final ConcurrentLinkedQueue<float[]> free = new ConcurrentLinkedQueue<>();

  /**
   * Opens the loader.
   *
   * @param videos the labelled videos, in delivery order
   * @param index their clip index, same order
   * @param clip clip geometry
   * @param clips windows per video
   * @param crops crops per window, 1 or 3
   * @param batchSize videos per batch
   * @param workers decoding threads (0 decodes on the consumer thread)
   * @param prefetchBatches batches decoded ahead
   * @param shortSide resize frames to this short side before cropping, 0 for none
   */
  public EvalLoader(
      List<VideoEntry> videos,
      ClipIndex index,
      ClipConfig clip,
      int clips,
      int crops,
      int batchSize,
      int workers,
      int prefetchBatches,
      int shortSide) {
    super(workers, prefetchBatches, new QuarantineLog());
    if (index.size() != videos.size()) {
      throw new IllegalArgumentException("the index must cover the videos, in order");
    }
    if (crops != 1 && crops != 3) {
      throw new IllegalArgumentException("crops must be 1 or 3, got " + crops);
    }
    quarantine.addAll(index.quarantine());
    this.videos = List.copyOf(videos);
    this.index = index;
    this.clip = clip;
    this.clips = clips;
    this.crops = crops;
    this.batchSize = batchSize;
    this.shortSide = shortSide;
  }

  @Override
  public int batchesPerEpoch() {
    return (videos.size() + batchSize - 1) / batchSize;
  }

  @Override
  public Iterator<LabeledBatch> epoch(NDManager manager, int epoch, int fromBatch) {
    return iterate(manager, 0, fromBatch, batchesPerEpoch());
  }

  private int sampleSize() {
    return clips * crops * 3 * clip.frames() * clip.crop() * clip.crop();
  }

  @Override
  protected Job<LabeledBatch> start(int epoch, int batch) {
    int first = batch * batchSize;
    int n = Math.min(batchSize, videos.size() - first);
    float[] polled = free.poll();
    float[] buffer = polled != null ? polled : new float[batchSize * sampleSize()];
    List<Future<Outcome>> futures = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      int slot = j;
      futures.add(submit(() -> decode(buffer, slot, first + slot)));
    }
    return manager -> {
      List<Integer> kept = new ArrayList<>();
      int clampedCount = 0;
      for (int j = 0; j < n; j++) {
        Outcome o = await(futures.get(j));
        if (o.error() != null) {
          quarantine.add(o.error().video(), o.error().reason());
          continue;
        }
        clampedCount += o.clamped() ? 1 : 0;
        // Compact: kept samples move down over the slots of failed ones.
        if (kept.size() != j) {
          System.arraycopy(
              buffer, j * sampleSize(), buffer, kept.size() * sampleSize(), sampleSize());
        }
        kept.add(first + j);
      }
      if (kept.isEmpty()) {
        free.add(buffer);
        return null;
      }
      int b = kept.size();
      long[] labels = new long[b];
      int[] indices = new int[b];
      for (int j = 0; j < b; j++) {
        indices[j] = kept.get(j);
        labels[j] = videos.get(indices[j]).label();
      }
      int s = clip.crop();
      LabeledBatch result =
          new LabeledBatch(
              staging.create(manager, buffer, new Shape(b, clips * crops, 3, clip.frames(), s, s)),
              manager.create(labels),
              indices);
      free.add(buffer);
      delivered(b, clampedCount);
      return result;
    };
  }

  private Outcome decode(float[] buffer, int slot, int video) {
    Path path = index.path(video);
    if (index.info(video) == null || quarantine.contains(path)) {
      String reason = index.problem(video) != null ? index.problem(video) : "quarantined";
      return new Outcome(new BadVideoException(path, reason, null), false);
    }
    int frames = index.info(video).frames();
    int[] starts = UniformClipSampler.sample(index.windows(video, clip.windowFrames()), clips);
    int clipSize = 3 * clip.frames() * clip.crop() * clip.crop();
    int needed = (clip.frames() - 1) * clip.stride() + 1;
    boolean clamped = false;
    try (VideoReader reader = VideoReader.open(path, index.info(video), shortSide)) {
      List<CropBox> boxes = FixedCrops.of(reader.height(), reader.width(), crops);
      for (int k = 0; k < clips; k++) {
        List<ClipTarget> targets = new ArrayList<>();
        for (int c = 0; c < crops; c++) {
          int offset = slot * sampleSize() + (k * crops + c) * clipSize;
          targets.add(
              new ClipTarget(
                  new CropResizer(boxes.get(c), clip.crop()), buffer, offset, clip.frames()));
        }
        int real = ClipDecoder.decodeWindow(reader, starts[k], clip, targets, List.of());
        if (real < Math.min(needed, frames - starts[k])) {
          throw new BadVideoException(
              path,
              "truncated: only " + real + " frames from frame " + starts[k] + " decode",
              null);
        }
        clamped |= real < needed;
      }
      return new Outcome(null, clamped);
    } catch (BadVideoException e) {
      return new Outcome(e, false);
    }
  }
}
