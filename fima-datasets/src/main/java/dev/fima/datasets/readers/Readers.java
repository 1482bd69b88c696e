package dev.fima.datasets.readers;

import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.data.Split;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Opens the reader a {@link DataConfig} names ({@code data.dataset}) and holds checks shared by the
 * readers.
 */
public final class Readers {

  private final Map<DatasetKind, DatasetReader> byKind;

  /**
   * Creates the readers of some dataset kinds, exactly these.
   *
   * @param byKind the reader of each kind
   */
  public Readers(Map<DatasetKind, DatasetReader> byKind) {
    this.byKind = Map.copyOf(byKind);
  }

  /**
   * Returns the readers of every kind FIMA-J reads.
   *
   * @return the readers
   */
  public static Readers builtIn() {
    return new Readers(builtInReaders());
  }

  /**
   * Returns the built-in readers with some replaced or added, as {@code DatasetsModule} does with
   * the readers a Guice module binds.
   *
   * @param replacements readers that take the place of the built-in reader of their kind
   * @return the readers
   */
  public static Readers builtInReplacing(Map<DatasetKind, DatasetReader> replacements) {
    Map<DatasetKind, DatasetReader> readers = new EnumMap<>(builtInReaders());
    readers.putAll(replacements);
    return new Readers(readers);
  }

  /**
   * Returns the reader of each {@link DatasetKind}.
   *
   * @return the readers by kind
   */
  public static Map<DatasetKind, DatasetReader> builtInReaders() {
    Map<DatasetKind, DatasetReader> readers = new EnumMap<>(DatasetKind.class);
    readers.put(DatasetKind.UCF101, Ucf101::builder);
    readers.put(DatasetKind.HMDB51, Hmdb51::builder);
    readers.put(DatasetKind.DIVING48, Diving48::builder);
    readers.put(DatasetKind.KINETICS400, Kinetics400::builder);
    readers.put(DatasetKind.FOLDER, VideoFolder::builder);
    return Collections.unmodifiableMap(readers);
  }

  /**
   * Tells whether a file name has one of the video extensions the readers scan for ({@code avi},
   * {@code mp4}, {@code mkv}, {@code webm}, {@code mov}, {@code mpg}, {@code mpeg}, {@code m4v}).
   *
   * @param file the file
   * @return true for a video name
   */
  public static boolean isVideo(Path file) {
    return Layouts.isVideo(file);
  }

  /**
   * Builds the dataset a configuration names.
   *
   * @param data kind, root, split, resize and caching
   * @param usage the part of the split
   * @param clip the clip geometry
   * @return the dataset, not yet prepared
   * @throws ConfigException when no root is set or no reader is bound for the kind
   * @throws DataException when the root does not exist
   */
  public VideoDataset open(DataConfig data, Split usage, ClipConfig clip) {
    if (data.root() == null || data.root().isBlank()) {
      throw new ConfigException("data.root", "is required (the dataset folder)");
    }
    DatasetReader reader = byKind.get(data.dataset());
    if (reader == null) {
      throw new ConfigException(
          "data.dataset",
          "no reader is bound for "
              + data.dataset()
              + "; bound: "
              + new TreeSet<>(byKind.keySet()));
    }
    return reader
        .builder()
        .setRoot(Path.of(data.root()))
        .optSplit(data.split())
        .optUsage(usage)
        .optClip(clip)
        .optShortSide(data.shortSide())
        .optCacheIndex(data.cacheIndex())
        .optTruncatedVideos(data.truncated())
        .build();
  }

  /**
   * Fails when a class has no video on disk in the training or the test part.
   *
   * @param report the comparison
   * @param trainSource the file (or folder) the training part comes from
   * @param testSource the file (or folder) the test part comes from, or {@code null} when an empty
   *     test class is allowed (datasets whose official test list does not cover every class)
   */
  static void requireEveryClass(SplitReport report, Path trainSource, Path testSource) {
    for (int c = 0; c < report.classNames().size(); c++) {
      if (report.trainPerClass()[c] == 0) {
        throw new DataException(
            trainSource,
            "class '" + report.classNames().get(c) + "' has no training video on disk");
      }
      if (testSource != null && report.testPerClass()[c] == 0) {
        throw new DataException(
            testSource, "class '" + report.classNames().get(c) + "' has no test video on disk");
      }
    }
  }
}
