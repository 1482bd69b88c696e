package dev.fima.datasets.readers;

import dev.fima.api.data.Split;
import dev.fima.api.data.VideoCatalog;
import dev.fima.api.data.VideoEntry;
import java.util.List;

/**
 * The videos and classes of one split of a dataset as its official files list them, restricted to
 * the videos found on disk, with the report of the comparison.
 *
 * @param name a short description such as {@code ucf101 split 1}
 * @param classNames the classes, index = label
 * @param train the training videos, in split-file order
 * @param test the test videos, in split-file order
 * @param report counts per class and mismatches
 */
public record DatasetListing(
    String name,
    List<String> classNames,
    List<VideoEntry> train,
    List<VideoEntry> test,
    SplitReport report)
    implements VideoCatalog {

  /** Copies the lists. */
  public DatasetListing {
    classNames = List.copyOf(classNames);
    train = List.copyOf(train);
    test = List.copyOf(test);
  }

  @Override
  public List<VideoEntry> videos(Split split) {
    return split == Split.TRAIN ? train : test;
  }
}
