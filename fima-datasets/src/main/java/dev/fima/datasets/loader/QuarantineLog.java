package dev.fima.datasets.loader;

import dev.fima.api.data.QuarantineEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The videos a loader has left out, with their reasons, shared by its worker threads. A video is
 * listed once, however often it fails. A video that fails while the loader runs is reported on the
 * console the moment it is left out, one warning line naming the file and the reason; the ones the
 * clip index left out before the first batch are reported as one list when the loader opens.
 */
public final class QuarantineLog {

  private static final Logger LOG = LoggerFactory.getLogger(QuarantineLog.class);

  private final Map<Path, String> entries = new LinkedHashMap<>();

  /**
   * Records a video as unusable mid-run and reports it; a second report of the same video is
   * ignored.
   *
   * @param video the file
   * @param reason why
   */
  public synchronized void add(Path video, String reason) {
    if (entries.putIfAbsent(video, reason) == null) {
      LOG.warn("left out {}: {}", video, reason);
    }
  }

  /**
   * Records every entry of a list, without a report of its own (the caller lists them).
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
