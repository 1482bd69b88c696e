package dev.fima.datasets.loader;

import dev.fima.api.data.QuarantineEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The videos a loader has left out, with their reasons, shared by its worker threads. A video is
 * listed once, however often it fails.
 */
public final class QuarantineLog {

  private final Map<Path, String> entries = new LinkedHashMap<>();

  /**
   * Records a video as unusable; a second report of the same video is ignored.
   *
   * @param video the file
   * @param reason why
   */
  public synchronized void add(Path video, String reason) {
    entries.putIfAbsent(video, reason);
  }

  /**
   * Records every entry of a list.
   *
   * @param list videos and reasons
   */
  public synchronized void addAll(List<QuarantineEntry> list) {
    list.forEach(e -> entries.putIfAbsent(e.video(), e.reason()));
  }

  /**
   * Tells whether a video is known to be unusable.
   *
   * @param video the file
   * @return true once it was quarantined
   */
  public synchronized boolean contains(Path video) {
    return entries.containsKey(video);
  }

  /**
   * Returns the number of quarantined videos.
   *
   * @return the count
   */
  public synchronized int size() {
    return entries.size();
  }

  /**
   * Returns the quarantined videos in the order they were found.
   *
   * @return a copy of the entries
   */
  public synchronized List<QuarantineEntry> entries() {
    List<QuarantineEntry> list = new ArrayList<>();
    entries.forEach((v, r) -> list.add(new QuarantineEntry(v, r)));
    return list;
  }
}
