package dev.fima.api.config;

/**
 * Where the videos are and how they are read.
 *
 * @param dataset the layout of {@code root}
 * @param root dataset root folder (layout documented per dataset in the README)
 * @param split official split number (1-3 for UCF101 and HMDB51; 1 otherwise)
 * @param workers decoding threads of the batch loader
 * @param prefetchBatches batches decoded ahead of the training step
 * @param shortSide resize decoded frames so that the short side has this many pixels; 0 keeps the
 *     native size (the reference pre-scales videos to a short side of 256 offline)
 * @param cacheIndex whether the clip index is cached in a metadata file beside the data
 * @param truncated whether the decodable frames of a file that was cut short are used ({@code use})
 *     or the file is left out ({@code skip}, the default); either way it is reported with its
 *     header's and its decodable frame counts
 */
public record DataConfig(
    DatasetKind dataset,
    String root,
    int split,
    int workers,
    int prefetchBatches,
    int shortSide,
    boolean cacheIndex,
    TruncatedVideos truncated) {

  /** Validates the ranges. */
  public DataConfig {
    Check.present("dataset", dataset);
    Check.present("truncated", truncated);
    Check.range("split", split, 1, 3);
    Check.atLeast("workers", workers, 0);
    Check.atLeast("prefetchBatches", prefetchBatches, 1);
    Check.atLeast("shortSide", shortSide, 0);
  }

  /**
   * Creates a configuration that leaves truncated files out.
   *
   * @param dataset the layout of {@code root}
   * @param root dataset root folder
   * @param split official split number
   * @param workers decoding threads of the batch loader
   * @param prefetchBatches batches decoded ahead of the training step
   * @param shortSide resize decoded frames to this short side, 0 for none
   * @param cacheIndex whether the clip index is cached beside the data
   */
  public DataConfig(
      DatasetKind dataset,
      String root,
      int split,
      int workers,
      int prefetchBatches,
      int shortSide,
      boolean cacheIndex) {
    this(
        dataset,
        root,
        split,
        workers,
        prefetchBatches,
        shortSide,
        cacheIndex,
        TruncatedVideos.SKIP);
  }

  /**
   * Returns UCF101 split 1 with no root set, two decoding threads, no resize, and truncated files
   * left out.
   *
   * @return the defaults
   */
  public static DataConfig defaults() {
    return new DataConfig(DatasetKind.UCF101, null, 1, 2, 4, 0, true, TruncatedVideos.SKIP);
  }
}
