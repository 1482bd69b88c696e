package dev.fima.datasets.index;

import dev.fima.api.config.TruncatedVideos;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.datasets.video.VideoInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Frame timestamps, count, rate and size of every video of a dataset split, and the videos that
 * cannot be used with the reason. Built once per run by {@link ClipIndexer} (and cached beside the
 * data), it tells how many windows of {@code frames x stride} raw frames each video has; windows
 * are runs of consecutive entries of a video's timestamp list.
 */
public final class ClipIndex {

  private final List<Path> videos;
  private final VideoInfo[] infos;
  private final String[] problems;

  ClipIndex(List<Path> videos, VideoInfo[] infos, String[] problems) {
    this.videos = List.copyOf(videos);
    this.infos = infos.clone();
    this.problems = problems.clone();
  }

  /**
   * Returns the number of videos, usable or not.
   *
   * @return the count
   */
  public int size() {
    return videos.size();
  }

  /**
   * Returns a video's file.
   *
   * @param video index in the indexed list
   * @return the path
   */
  public Path path(int video) {
    return videos.get(video);
  }

  /**
   * Returns what the probe found out about a video.
   *
   * @param video index in the indexed list
   * @return the description, or {@code null} when the video is unusable
   */
  public VideoInfo info(int video) {
    return infos[video];
  }

  /**
   * Returns why a video is unusable.
   *
   * @param video index in the indexed list
   * @return the reason, or {@code null} for a usable video
   */
  public String problem(int video) {
    return problems[video];
  }

  /**
   * Returns the number of windows of a video.
   *
   * @param video index in the indexed list
   * @param windowFrames raw frames per window
   * @return windows with a step of one frame; 0 for unusable or too short videos
   */
  public int windows(int video, int windowFrames) {
    return infos[video] == null ? 0 : infos[video].windows(windowFrames);
  }

  /**
   * Returns the unusable videos with their reasons.
   *
   * @return the quarantine list, in index order
   */
  public List<QuarantineEntry> quarantine() {
    List<QuarantineEntry> list = new ArrayList<>();
    for (int i = 0; i < problems.length; i++) {
      if (problems[i] != null) {
        list.add(new QuarantineEntry(videos.get(i), problems[i]));
      }
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * Returns the usable videos that were cut short (their header promises more frames than decode),
   * each with both frame counts.
   *
   * @return the truncated videos, in index order
   */
  public List<QuarantineEntry> truncated() {
    List<QuarantineEntry> list = new ArrayList<>();
    for (int i = 0; i < infos.length; i++) {
      if (infos[i] != null && infos[i].truncated()) {
        list.add(new QuarantineEntry(videos.get(i), infos[i].truncation()));
      }
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * Applies the policy for truncated files.
   *
   * @param policy {@code skip} quarantines them with both frame counts as the reason, {@code use}
   *     keeps their decodable frames
   * @return this index for {@code use}, else a copy without them
   */
  public ClipIndex withTruncated(TruncatedVideos policy) {
    if (policy == TruncatedVideos.USE) {
      return this;
    }
    VideoInfo[] kept = infos.clone();
    String[] reasons = problems.clone();
    for (int i = 0; i < kept.length; i++) {
      if (kept[i] != null && kept[i].truncated()) {
        reasons[i] = kept[i].truncation();
        kept[i] = null;
      }
    }
    return new ClipIndex(videos, kept, reasons);
  }

  /**
   * Returns a copy in which videos with fewer frames than one window are quarantined too, as
   * pretraining needs at least one full window per video.
   *
   * @param windowFrames raw frames per window
   * @return the stricter index
   */
  public ClipIndex requireWindow(int windowFrames) {
    VideoInfo[] kept = infos.clone();
    String[] reasons = problems.clone();
    for (int i = 0; i < kept.length; i++) {
      if (kept[i] != null && kept[i].frames() < windowFrames) {
        reasons[i] =
            "too short: " + kept[i].frames() + " frames for a " + windowFrames + "-frame window";
        kept[i] = null;
      }
    }
    return new ClipIndex(videos, kept, reasons);
  }

  /**
   * Returns the indices of usable videos.
   *
   * @return indices into the indexed list, increasing
   */
  public int[] usable() {
    return java.util.stream.IntStream.range(0, infos.length)
        .filter(i -> infos[i] != null)
        .toArray();
  }

  /**
   * Counts the usable videos shorter than a window (their clips repeat the last frame).
   *
   * @param windowFrames raw frames per window
   * @return the count
   */
  public int shorterThan(int windowFrames) {
    int n = 0;
    for (VideoInfo info : infos) {
      if (info != null && info.frames() < windowFrames) {
        n++;
      }
    }
    return n;
  }
}
