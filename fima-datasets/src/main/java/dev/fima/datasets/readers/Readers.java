package dev.fima.datasets.readers;

import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.data.Split;
import java.nio.file.Path;

/** Opens the reader of a {@link DataConfig} and holds checks shared by the readers. */
public final class Readers {

  private Readers() {}

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
   * @throws ConfigException when no root is set
   * @throws DataException when the root does not exist
   */
  public static VideoDataset open(DataConfig data, Split usage, ClipConfig clip) {
    if (data.root() == null || data.root().isBlank()) {
      throw new ConfigException("data.root", "is required (the dataset folder)");
    }
    Path root = Path.of(data.root());
    VideoDataset.Builder<?> builder =
        switch (data.dataset()) {
          case UCF101 -> Ucf101.builder();
          case HMDB51 -> Hmdb51.builder();
          case DIVING48 -> Diving48.builder();
          case KINETICS400 -> Kinetics400.builder();
          case FOLDER -> VideoFolder.builder();
        };
    builder
        .setRoot(root)
        .optSplit(data.split())
        .optUsage(usage)
        .optClip(clip)
        .optShortSide(data.shortSide())
        .optCacheIndex(data.cacheIndex())
        .optTruncatedVideos(data.truncated());
    return switch (data.dataset()) {
      case UCF101 -> ((Ucf101.Builder) builder).build();
      case HMDB51 -> ((Hmdb51.Builder) builder).build();
      case DIVING48 -> ((Diving48.Builder) builder).build();
      case KINETICS400 -> ((Kinetics400.Builder) builder).build();
      case FOLDER -> ((VideoFolder.Builder) builder).build();
    };
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
