package dev.fima.datasets.readers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import dev.fima.api.DataException;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.TruncatedVideos;
import dev.fima.api.data.Split;
import dev.fima.api.data.VideoEntry;
import dev.fima.datasets.augment.CropResizer;
import dev.fima.datasets.augment.FixedCrops;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.index.ClipIndexer;
import dev.fima.datasets.loader.ClipDecoder;
import dev.fima.datasets.loader.ClipTarget;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoInfo;
import dev.fima.datasets.video.VideoReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A labelled video dataset read from its official layout, as a DJL {@link RandomAccessDataset}.
 * {@link #prepare(Progress)} reads the split files, checks them against the files on disk (every
 * class present, counts per class, mismatches by name; layout errors are {@link DataException}s
 * naming the path) and builds the clip index. Record {@code i} is the centre crop of the middle
 * window of video {@code i} of the chosen part, {@code [3, T, S, S]} in [0, 1], with its label; the
 * training and evaluation pipelines use the parallel loaders of {@code dev.fima.datasets.loader} on
 * the same listing and index instead.
 */
public abstract class VideoDataset extends RandomAccessDataset {

  private static final Logger LOG = LoggerFactory.getLogger(VideoDataset.class);

  /** Name of the clip-index cache file written into the dataset root. */
  public static final String INDEX_FILE = ".fima-clip-index.json";

  /** The dataset root. */
  protected final Path root;

  /** The official split number. */
  protected final int split;

  private final Split usage;
  private final ClipConfig clip;
  private final int shortSide;
  private final boolean cacheIndex;
  private final int indexThreads;
  private final TruncatedVideos truncated;
  private DatasetListing listing;
  private ClipIndex index;

  /**
   * Creates the dataset from its builder.
   *
   * @param builder the settings
   */
  protected VideoDataset(Builder<?> builder) {
    super(builder);
    this.root = builder.root;
    this.split = builder.split;
    this.usage = builder.usage;
    this.clip = builder.clip;
    this.shortSide = builder.shortSide;
    this.cacheIndex = builder.cacheIndex;
    this.indexThreads = builder.indexThreads;
    this.truncated = builder.truncated;
  }

  /**
   * Reads the split files and compares them with the disk.
   *
   * @return the listing of the split
   * @throws DataException when a split file is missing, names an unknown class, or the folder does
   *     not have the expected layout
   */
  protected abstract DatasetListing readListing();

  /**
   * Returns the listing, reading it on first use (without probing any video).
   *
   * @return the split's videos, classes and report
   */
  public synchronized DatasetListing listing() {
    if (listing == null) {
      listing = readListing();
      SplitReport report = listing.report();
      if (report.missing().isEmpty() && report.unlisted().isEmpty()) {
        LOG.info("{}", report.summary(listing.name()));
      } else {
        // Mismatches between the split files and the disk must reach the user at the CLI's
        // default log level.
        LOG.warn("{}", report.summary(listing.name()));
      }
    }
    return listing;
  }

  /**
   * Returns the videos of the part this dataset was built for.
   *
   * @return the videos
   */
  public List<VideoEntry> videos() {
    return listing().videos(usage);
  }

  /**
   * Returns the clip index of {@link #videos()}, built by {@link #prepare(Progress)}, with the
   * truncated files left out or kept as {@link Builder#optTruncatedVideos} says.
   *
   * @return the index
   * @throws IllegalStateException before {@code prepare}
   */
  public synchronized ClipIndex index() {
    if (index == null) {
      throw new IllegalStateException("call prepare() first");
    }
    return index;
  }

  @Override
  public synchronized void prepare(Progress progress) {
    if (index != null) {
      return;
    }
    List<Path> paths = videos().stream().map(VideoEntry::path).toList();
    index =
        new ClipIndexer(indexThreads).index(paths, cacheFile(), progress).withTruncated(truncated);
  }

  /**
   * Returns the clip-index cache file of this dataset, or {@code null} when caching is off.
   *
   * @return the file
   */
  public Path cacheFile() {
    return cacheIndex ? root.resolve(INDEX_FILE) : null;
  }

  @Override
  public Record get(NDManager manager, long i) throws IOException {
    int video = Math.toIntExact(i);
    VideoEntry entry = videos().get(video);
    VideoInfo info = index().info(video);
    if (info == null) {
      throw new IOException(entry.path() + ": " + index().problem(video));
    }
    int windows = index().windows(video, clip.windowFrames());
    int s = clip.crop();
    float[] buffer = new float[3 * clip.frames() * s * s];
    try (VideoReader reader = VideoReader.open(entry.path(), info, shortSide)) {
      CropResizer centre =
          new CropResizer(FixedCrops.of(reader.height(), reader.width(), 1).get(0), s);
      ClipDecoder.decodeWindow(
          reader,
          Math.max(0, windows - 1) / 2,
          clip,
          List.of(new ClipTarget(centre, buffer, 0, clip.frames())),
          List.of());
    } catch (BadVideoException e) {
      throw new IOException(e.getMessage(), e);
    }
    NDList data = new NDList(manager.create(buffer, new Shape(3, clip.frames(), s, s)));
    NDList label = new NDList(manager.create((long) entry.label()));
    return new Record(data, label);
  }

  @Override
  protected long availableSize() {
    return videos().size();
  }

  /**
   * Settings shared by every video dataset.
   *
   * @param <T> the concrete builder
   */
  public abstract static class Builder<T extends Builder<T>> extends BaseBuilder<T> {
    Path root;
    int split = 1;
    Split usage = Split.TRAIN;
    ClipConfig clip = ClipConfig.defaults();
    int shortSide;
    boolean cacheIndex = true;
    int indexThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    TruncatedVideos truncated = TruncatedVideos.SKIP;

    /** Starts with sequential sampling of one record per batch. */
    protected Builder() {
      setSampling(1, false);
    }

    /**
     * Sets the dataset root.
     *
     * @param root the folder as downloaded
     * @return this builder
     */
    public T setRoot(Path root) {
      this.root = root;
      return self();
    }

    /**
     * Sets the official split number (default 1).
     *
     * @param split 1-3 where the dataset has three splits
     * @return this builder
     */
    public T optSplit(int split) {
      this.split = split;
      return self();
    }

    /**
     * Sets the part of the split (default train).
     *
     * @param usage train or test
     * @return this builder
     */
    public T optUsage(Split usage) {
      this.usage = usage;
      return self();
    }

    /**
     * Sets the clip geometry of {@link #get} and of the window counts (default 16 x 2, 112).
     *
     * @param clip the geometry
     * @return this builder
     */
    public T optClip(ClipConfig clip) {
      this.clip = clip;
      return self();
    }

    /**
     * Resizes decoded frames to this short side (default 0, no resize).
     *
     * @param shortSide pixels
     * @return this builder
     */
    public T optShortSide(int shortSide) {
      this.shortSide = shortSide;
      return self();
    }

    /**
     * Sets whether the clip index is cached beside the data (default true).
     *
     * @param cacheIndex the choice
     * @return this builder
     */
    public T optCacheIndex(boolean cacheIndex) {
      this.cacheIndex = cacheIndex;
      return self();
    }

    /**
     * Sets the number of threads that probe videos while indexing (default: one per core).
     *
     * @param threads at least 1
     * @return this builder
     */
    public T optIndexThreads(int threads) {
      this.indexThreads = threads;
      return self();
    }

    /**
     * Sets whether the decodable frames of files that were cut short are used (default: they are
     * left out, quarantined with both frame counts).
     *
     * @param policy skip or use
     * @return this builder
     */
    public T optTruncatedVideos(TruncatedVideos policy) {
      this.truncated = policy;
      return self();
    }

    /**
     * Builds the dataset, not yet prepared.
     *
     * @return the dataset
     * @throws dev.fima.api.DataException when the root or the split files are missing
     */
    public abstract VideoDataset build();

    /**
     * Fails unless a root was set and the split number is allowed.
     *
     * @param maxSplit the dataset's number of official splits
     */
    protected void validate(int maxSplit) {
      Layouts.requireFolder(root, "dataset root");
      if (split < 1 || split > maxSplit) {
        throw new dev.fima.api.ConfigException(
            "data.split", "must be in [1, " + maxSplit + "] for this dataset, got " + split);
      }
    }
  }
}
