package dev.fima.api.data;

import java.util.List;

/** The videos and classes of one split of a dataset, as its official files list them. */
public interface VideoCatalog {

  /**
   * Returns a short description such as {@code ucf101 split 1}.
   *
   * @return the description
   */
  String name();

  /**
   * Returns the class names, index = label.
   *
   * @return the classes
   */
  List<String> classNames();

  /**
   * Returns the videos of one part of the split.
   *
   * @param split train or test
   * @return the videos, in a stable order
   */
  List<VideoEntry> videos(Split split);
}
