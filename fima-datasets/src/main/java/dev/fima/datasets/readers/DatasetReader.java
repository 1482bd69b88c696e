package dev.fima.datasets.readers;

/**
 * Starts the reader of one dataset layout (UCF101, HMDB51, Diving48, Kinetics-400, a folder per
 * class). {@link Readers} picks one by the configuration's {@code data.dataset}, from the built-in
 * ones or from those Guice binds ({@code DatasetsModule}'s map binder), so that a module can add or
 * replace the reader of a kind.
 */
@FunctionalInterface
public interface DatasetReader {

  /**
   * Returns a new builder of the reader; {@link Readers} sets its root, split, clip geometry and
   * indexing options.
   *
   * @return the builder
   */
  VideoDataset.Builder<?> builder();
}
