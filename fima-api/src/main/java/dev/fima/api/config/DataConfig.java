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
 */
public record DataConfig(
    DatasetKind dataset,
    String root,
    int split,
    int workers,
    int prefetchBatches,
    int shortSide,
    boolean cacheIndex) {

  /** Validates the ranges. */
  public DataConfig {
    Check.present("dataset", dataset);
    Check.range("split", split, 1, 3);
    Check.atLeast("workers", workers, 0);
    Check.atLeast("prefetchBatches", prefetchBatches, 1);
    Check.atLeast("shortSide", shortSide, 0);
  }

  /**
   * Returns UCF101 split 1 with no root set, two decoding threads and no resize.
   *
   * @return the defaults
   */
  public static DataConfig defaults() {
    return new DataConfig(DatasetKind.UCF101, null, 1, 2, 4, 0, true);
  }
}
