package dev.fima.datasets.readers;

import dev.fima.api.DataException;
import dev.fima.api.data.VideoEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Any folder of {@code <root>/<class>/<video>} files (avi, mp4, mkv, webm, mov, mpg, m4v). Classes
 * are the sorted folder names. There are no split files, so a deterministic split is carved: within
 * each class, videos sorted by file name, the video at position {@code i} is a test video of split
 * {@code k} when {@code i mod 4 == k - 1}. Each split therefore holds out a quarter of every class,
 * and splits 1-3 hold out disjoint quarters.
 */
public final class VideoFolder extends VideoDataset {

  private VideoFolder(Builder builder) {
    super(builder);
  }

  /**
   * Returns a builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected DatasetListing readListing() {
    List<String> classes = new ArrayList<>();
    List<VideoEntry> train = new ArrayList<>();
    List<VideoEntry> test = new ArrayList<>();
    for (Path folder : Layouts.subfolders(root)) {
      List<Path> videos = Layouts.videos(folder);
      if (videos.isEmpty()) {
        continue;
      }
      int label = classes.size();
      String name = folder.getFileName().toString();
      classes.add(name);
      for (int i = 0; i < videos.size(); i++) {
        VideoEntry e = new VideoEntry(videos.get(i), label, name);
        (i % 4 == split - 1 ? test : train).add(e);
      }
    }
    if (classes.isEmpty()) {
      throw new DataException(
          root, "not a video folder: expected <class>/<video> sub-folders holding video files");
    }
    SplitReport report =
        new SplitReport(
            classes,
            SplitReport.count(classes.size(), train),
            SplitReport.count(classes.size(), test),
            List.of(),
            List.of(),
            0);
    Readers.requireEveryClass(report, root, null);
    return new DatasetListing("folder split " + split, classes, train, test, report);
  }

  /** Builder of {@link VideoFolder}. */
  public static final class Builder extends VideoDataset.Builder<Builder> {

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Builds the dataset (nothing is read until {@code listing()} or {@code prepare()}).
     *
     * @return the dataset
     */
    public VideoFolder build() {
      validate(3);
      return new VideoFolder(this);
    }
  }
}
