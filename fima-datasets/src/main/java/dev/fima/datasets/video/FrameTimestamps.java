package dev.fima.datasets.video;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The presentation timestamps of every decodable frame of a video, in stream time-base units and
 * increasing order: frame {@code i} of a window is the frame whose timestamp is {@link #at(int)
 * at(i)}, as torchvision's {@code VideoClips} keeps a per-video pts list. A decoded frame is placed
 * by looking its timestamp up ({@link #indexOf(long)}), never by multiplying by an average rate,
 * which breaks on B-frames, a first timestamp above zero, variable frame rates and average rates
 * that disagree with the timestamps.
 *
 * <p>Stored compactly as a first timestamp and runs of equal steps: a constant-rate video is one
 * run, each irregular gap adds two. When a stream has frames without timestamps, or two frames with
 * the same one, the timestamps cannot tell frames apart; such a list is {@link #byCount() by
 * count}: frame {@code i} is the {@code i}-th frame of a decode from the start.
 */
public final class FrameTimestamps {

  private final long start;
  private final int[] runLengths;
  private final long[] runSteps;
  private final int[] runFirst;
  private final long[] runBase;
  private final int size;
  private final boolean byCount;

  private FrameTimestamps(long start, int[] runLengths, long[] runSteps, boolean byCount) {
    this.start = start;
    this.runLengths = runLengths.clone();
    this.runSteps = runSteps.clone();
    this.byCount = byCount;
    this.runFirst = new int[runLengths.length];
    this.runBase = new long[runLengths.length];
    int frames = 1;
    long base = start;
    for (int r = 0; r < runLengths.length; r++) {
      runFirst[r] = frames;
      runBase[r] = base;
      frames += runLengths[r];
      base += runLengths[r] * runSteps[r];
    }
    this.size = frames;
  }

  /**
   * Builds the list from the timestamps of a full decode, in decode output order.
   *
   * @param timestamps one per decoded frame; {@link Long#MIN_VALUE} for a frame without one
   * @param count how many of the array's entries are frames, at least 1
   * @return the sorted, run-length coded list; by count when a timestamp is missing or repeated
   */
  public static FrameTimestamps of(long[] timestamps, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a video has at least one frame");
    }
    long[] sorted = Arrays.copyOf(timestamps, count);
    Arrays.sort(sorted);
    boolean usable = sorted[0] != Long.MIN_VALUE;
    for (int i = 1; i < count && usable; i++) {
      usable = sorted[i] > sorted[i - 1];
    }
    if (!usable) {
      return counted(count);
    }
    List<int[]> lengths = new ArrayList<>();
    List<Long> steps = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      long step = sorted[i] - sorted[i - 1];
      if (!steps.isEmpty() && steps.get(steps.size() - 1) == step) {
        lengths.get(lengths.size() - 1)[0]++;
      } else {
        steps.add(step);
        lengths.add(new int[] {1});
      }
    }
    return new FrameTimestamps(
        sorted[0],
        lengths.stream().mapToInt(l -> l[0]).toArray(),
        steps.stream().mapToLong(Long::longValue).toArray(),
        false);
  }

  /**
   * Returns a list placed by count: frame {@code i} is the {@code i}-th decoded frame.
   *
   * @param frames the number of frames, at least 1
   * @return the list, whose timestamps are {@code 0 .. frames - 1}
   */
  public static FrameTimestamps counted(int frames) {
    return frames == 1
        ? new FrameTimestamps(0, new int[0], new long[0], true)
        : new FrameTimestamps(0, new int[] {frames - 1}, new long[] {1}, true);
  }

  /**
   * Restores a list from its stored parts ({@link #start()}, {@link #runLengths()}, {@link
   * #runSteps()}, {@link #byCount()}).
   *
   * @param start the first timestamp
   * @param runLengths steps per run
   * @param runSteps the step of each run, positive
   * @param byCount whether frames are placed by count
   * @return the list
   * @throws IllegalArgumentException when the parts do not describe an increasing list
   */
  public static FrameTimestamps restore(
      long start, int[] runLengths, long[] runSteps, boolean byCount) {
    if (runLengths.length != runSteps.length) {
      throw new IllegalArgumentException("one step per run");
    }
    for (int r = 0; r < runLengths.length; r++) {
      if (runLengths[r] < 1 || runSteps[r] < 1) {
        throw new IllegalArgumentException("runs must be non-empty with positive steps");
      }
    }
    return new FrameTimestamps(start, runLengths, runSteps, byCount);
  }

  /**
   * Returns the number of frames.
   *
   * @return at least 1
   */
  public int size() {
    return size;
  }

  /**
   * Returns the timestamp of a frame.
   *
   * @param frame index from 0
   * @return its presentation timestamp in stream time-base units
   */
  public long at(int frame) {
    if (frame < 0 || frame >= size) {
      throw new IndexOutOfBoundsException("frame " + frame + " of " + size);
    }
    if (frame == 0) {
      return start;
    }
    int r = run(frame);
    return runBase[r] + (long) (frame - runFirst[r] + 1) * runSteps[r];
  }

  /**
   * Places a decoded frame: the index of the frame whose timestamp is nearest, when it is nearer
   * than half the step to either neighbour (a decoder may round a timestamp, never by that much).
   *
   * @param timestamp a decoded frame's presentation timestamp
   * @return the frame index, or -1 when no frame of the list has (about) that timestamp
   */
  public int indexOf(long timestamp) {
    int lo = 0;
    int hi = size - 1;
    // The last frame whose timestamp is at most the given one.
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (at(mid) <= timestamp) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    int below = lo;
    long belowAt = at(below);
    if (timestamp < belowAt) {
      return within(0, timestamp) ? 0 : -1;
    }
    if (below + 1 < size && at(below + 1) - timestamp < timestamp - belowAt) {
      return within(below + 1, timestamp) ? below + 1 : -1;
    }
    return within(below, timestamp) ? below : -1;
  }

  private boolean within(int frame, long timestamp) {
    long distance = Math.abs(at(frame) - timestamp);
    long before = frame > 0 ? at(frame) - at(frame - 1) : Long.MAX_VALUE;
    long after = frame + 1 < size ? at(frame + 1) - at(frame) : Long.MAX_VALUE;
    long gap = Math.min(before, after);
    return gap == Long.MAX_VALUE ? distance == 0 : 2 * distance < gap;
  }

  private int run(int frame) {
    int lo = 0;
    int hi = runFirst.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (runFirst[mid] <= frame) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * Returns the first timestamp.
   *
   * @return stream time-base units
   */
  public long start() {
    return start;
  }

  /**
   * Returns the number of steps of each run.
   *
   * @return a copy
   */
  public int[] runLengths() {
    return runLengths.clone();
  }

  /**
   * Returns the step of each run.
   *
   * @return a copy, in stream time-base units
   */
  public long[] runSteps() {
    return runSteps.clone();
  }

  /**
   * Tells whether frames are placed by their count from the start instead of their timestamps.
   *
   * @return true when the stream's timestamps cannot tell its frames apart
   */
  public boolean byCount() {
    return byCount;
  }

  /**
   * Returns the time from the first to the last frame.
   *
   * @return stream time-base units
   */
  public long span() {
    return size == 1 ? 0 : at(size - 1) - start;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrameTimestamps t
        && t.start == start
        && t.byCount == byCount
        && Arrays.equals(t.runLengths, runLengths)
        && Arrays.equals(t.runSteps, runSteps);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(start) * 31 + Arrays.hashCode(runLengths) * 17 + Arrays.hashCode(runSteps);
  }

  @Override
  public String toString() {
    return size + " frames from " + start + (byCount ? " (by count)" : "") + " in " + runs();
  }

  private String runs() {
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r < runLengths.length; r++) {
      sb.append(r == 0 ? "" : ", ").append(runLengths[r]).append('x').append(runSteps[r]);
    }
    return sb.append(']').toString();
  }
}
