package dev.fima.datasets.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Random access to windows of consecutive frames of one video file, decoded by FFmpeg into packed
 * BGR bytes, frame-exact: frame {@code i} is the {@code i}-th frame of a full sequential decode.
 *
 * <p>The frames of a video are the ones its {@link VideoInfo#timestamps() timestamps} list, from a
 * full decode ({@link #probe}). A window is reached by seeking to the last key frame before its
 * first frame and decoding forward (consecutive windows of one open reader are decoded forward
 * without a seek when the gap is small); every decoded frame is placed by looking its presentation
 * timestamp up in the list. A seek that lands after the window's first frame (a B-frame stored
 * after the key frame that follows it, a container whose index is coarse) is detected and repeated
 * from an earlier key frame, then from the start of the file. Frames before the window are decoded
 * but not converted, and with a short side set FFmpeg's scaler resizes frames while converting them
 * to BGR.
 *
 * <p>A reader is not thread safe; loaders open one per sample.
 */
public final class VideoReader implements AutoCloseable {

  /** Forward gaps up to this many frames are decoded through instead of seeking. */
  private static final int FORWARD_LIMIT = 24;

  /** Seeks to ever earlier key frames before decoding from the start of the file. */
  private static final int SEEK_ATTEMPTS = 3;

  private final Path path;
  private final VideoInfo info;
  private final FrameTimestamps timestamps;
  private final int width;
  private final int height;
  private FfmpegDecoder decoder;
  private byte[] pixels = new byte[0];

  /** The frame {@link #nextPlaced()} decoded last, valid until the next decode. */
  private AVFrame current;

  /** Index of the last frame decoded since the decoder was positioned, -1 for none. */
  private int lastIndex = -1;

  /** Index of the first frame placed after the decoder was positioned. */
  private int firstAfterSeek = -1;

  /** Whether the decoder is at the start of the file, nothing decoded yet. */
  private boolean atStart = true;

  /** Frames decoded since the start of the file, for videos placed by count. */
  private int counted;

  private VideoReader(Path path, VideoInfo info, int shortSide) throws BadVideoException {
    this.path = path;
    this.info = info;
    this.timestamps = info.timestamps();
    int[] size = resized(info.width(), info.height(), shortSide);
    this.width = size[0];
    this.height = size[1];
    this.decoder = FfmpegDecoder.open(path);
  }

  /**
   * Opens a video the clip index has probed.
   *
   * @param path the file
   * @param info what {@link #probe} found out about it
   * @param shortSide resize frames so that the shorter side has this many pixels; 0 keeps them
   * @return the open reader
   * @throws BadVideoException when the file is empty, unreadable or has no video stream
   */
  public static VideoReader open(Path path, VideoInfo info, int shortSide)
      throws BadVideoException {
    requireContent(path);
    return new VideoReader(path, info, shortSide);
  }

  /**
   * Probes a video (a full decode, see {@link #probe}) and opens it.
   *
   * @param path the file
   * @param shortSide resize frames so that the shorter side has this many pixels; 0 keeps them
   * @return the open reader
   * @throws BadVideoException when the file cannot be used, with the reason
   */
  public static VideoReader open(Path path, int shortSide) throws BadVideoException {
    return open(path, probe(path), shortSide);
  }

  static void requireContent(Path path) throws BadVideoException {
    try {
      if (Files.size(path) == 0) {
        throw new BadVideoException(path, "zero-length file", null);
      }
    } catch (IOException e) {
      throw new BadVideoException(path, "unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a whole video once and records what the clip index needs: the presentation timestamp of
   * every frame that decodes (so that the frame count is a full decode's, as {@code ffprobe
   * -count_frames} reports it), the frame count the header states, whether the file was cut short,
   * the rate and the size. Frames are decoded but not converted.
   *
   * @param path the file
   * @return the video's description
   * @throws BadVideoException when the file cannot be used, with the reason
   */
  public static VideoInfo probe(Path path) throws BadVideoException {
    requireContent(path);
    try (FfmpegDecoder d = FfmpegDecoder.open(path)) {
      long[] times = new long[256];
      int n = 0;
      AVFrame frame;
      while ((frame = d.next()) != null) {
        if (n == times.length) {
          times = java.util.Arrays.copyOf(times, 2 * n);
        }
        times[n++] = d.timestamp(frame);
      }
      if (n == 0) {
        throw new BadVideoException(
            path,
            d.readError() != null
                ? "unreadable: " + d.readError()
                : "no decodable video frame (" + d.packets() + " video packets)",
            null);
      }
      FrameTimestamps list = FrameTimestamps.of(times, n);
      int header = (int) Math.min(Integer.MAX_VALUE, d.headerFrames());
      boolean truncated = header > n && (d.damagedTail() || d.readError() != null);
      int[] base = d.timeBase();
      double fps =
          n > 1 && !list.byCount() && base[0] > 0 && base[1] > 0
              ? (n - 1) / (list.span() * (double) base[0] / base[1])
              : d.averageRate() > 0 ? d.averageRate() : 25;
      return new VideoInfo(n, fps, d.width(), d.height(), header, truncated, list);
    }
  }

  /**
   * Returns what the probe found out about the video.
   *
   * @return the description
   */
  public VideoInfo info() {
    return info;
  }

  /**
   * Returns the frame rate.
   *
   * @return frames per second
   */
  public double fps() {
    return info.fps();
  }

  /**
   * Returns the width of delivered frames (after the short-side resize).
   *
   * @return pixels
   */
  public int width() {
    return width;
  }

  /**
   * Returns the height of delivered frames (after the short-side resize).
   *
   * @return pixels
   */
  public int height() {
    return height;
  }

  /**
   * Decodes {@code count} consecutive frames starting at frame {@code start} and hands each to the
   * sink in order. When the video ends before the window does, the last decoded frame is repeated
   * for the missing offsets, so the sink always sees {@code count} frames once at least one frame
   * was decoded; the return value says how many were real. A frame of the index that does not
   * decode this time (a damaged file) is replaced by the frame after it and not counted as real.
   *
   * @param start index of the first frame, from 0
   * @param count frames to deliver
   * @param sink receives the frames
   * @return the number of distinct decoded frames delivered (less than {@code count} when the video
   *     is shorter than the window or frames failed to decode)
   * @throws BadVideoException when decoding fails or no frame at or after {@code start} decodes
   */
  public int read(int start, int count, FrameSink sink) throws BadVideoException {
    if (start < 0 || start >= info.frames()) {
      throw new BadVideoException(
          path, "no frame " + start + ": the index lists " + info.frames() + " frames", null);
    }
    try {
      int delivered = 0;
      int real = 0;
      int index = reach(start);
      while (index >= 0 && delivered < count) {
        if (index >= start + delivered) {
          decoder.toBgr(current, width, height, pixels(width * height * 3));
          real++;
          // A frame of the index missing from this decode repeats the frame that follows it.
          while (delivered < count && start + delivered <= index) {
            sink.accept(delivered++, pixels, width, height);
          }
        }
        if (delivered < count && start + delivered < info.frames()) {
          index = nextPlaced();
        } else {
          break;
        }
      }
      if (real == 0) {
        throw new BadVideoException(
            path,
            "no decodable frame at or after frame " + start + " (truncated or corrupt)",
            null);
      }
      while (delivered < count) {
        sink.accept(delivered++, pixels, width, height);
      }
      return real;
    } catch (RuntimeException e) {
      throw new BadVideoException(
          path, "decoding failed near frame " + start + ": " + e.getMessage(), e);
    }
  }

  /**
   * Positions the decoder so that the frame it holds is {@code target} (or the first decodable
   * frame after it), seeking only when decoding forward would cost more.
   *
   * @return the index of the held frame, or -1 when nothing at or after {@code target} decodes
   */
  private int reach(int target) throws BadVideoException {
    int behind = atStart ? target + 1 : target - lastIndex;
    boolean ahead = atStart || lastIndex < target;
    if (ahead && (behind <= FORWARD_LIMIT || timestamps.byCount())) {
      int index = decodeUpTo(target);
      if (index >= 0 || timestamps.byCount()) {
        return index;
      }
    }
    if (timestamps.byCount()) {
      return fromStart(target);
    }
    long seekTo = timestamps.at(target);
    for (int attempt = 0; attempt < SEEK_ATTEMPTS; attempt++) {
      atStart = false;
      lastIndex = -1;
      if (!decoder.seek(seekTo)) {
        break;
      }
      int index = nextPlaced();
      while (index >= 0 && index < target) {
        index = nextPlaced();
      }
      if (index == target || (index > target && lastIndex > firstAfterSeek)) {
        // On the frame, or past a frame that is missing mid-stream (not a late landing).
        return index;
      }
      long landed = decoder.firstPacketTimestamp();
      if (landed == Long.MIN_VALUE || landed == Long.MIN_VALUE + 1 || landed - 1 >= seekTo) {
        break;
      }
      // The seek landed after the target: go back to the key frame before the one it found.
      seekTo = landed - 1;
    }
    return fromStart(target);
  }

  /** Decodes from the start of the file (a fresh open: no seek can fail) up to {@code target}. */
  private int fromStart(int target) throws BadVideoException {
    decoder.close();
    decoder = FfmpegDecoder.open(path);
    atStart = true;
    lastIndex = -1;
    counted = 0;
    return decodeUpTo(target);
  }

  /** Decodes forward, without converting, to the first frame at or after {@code target}. */
  private int decodeUpTo(int target) {
    int index;
    while ((index = nextPlaced()) >= 0 && index < target) {
      // Decoded through, not converted.
    }
    return index;
  }

  /**
   * Decodes the next frame and places it in the index.
   *
   * @return its index, or -1 at the end of the stream; frames the index does not list are passed
   *     over
   */
  private int nextPlaced() {
    while (true) {
      AVFrame frame = decoder.next();
      if (frame == null) {
        return -1;
      }
      int index;
      atStart = false;
      if (timestamps.byCount()) {
        index = counted++;
      } else {
        long t = decoder.timestamp(frame);
        index = t == Long.MIN_VALUE ? -1 : timestamps.indexOf(t);
      }
      if (index < 0) {
        continue;
      }
      if (lastIndex < 0) {
        firstAfterSeek = index;
      }
      lastIndex = index;
      current = frame;
      return index;
    }
  }

  private byte[] pixels(int bytes) {
    if (pixels.length != bytes) {
      pixels = new byte[bytes];
    }
    return pixels;
  }

  /**
   * Computes the frame size after resizing the short side, keeping the aspect ratio.
   *
   * @param width native width
   * @param height native height
   * @param shortSide target short side, 0 for no resize
   * @return {@code {width, height}}
   */
  public static int[] resized(int width, int height, int shortSide) {
    if (shortSide <= 0 || Math.min(width, height) == shortSide) {
      return new int[] {width, height};
    }
    if (width <= height) {
      return new int[] {
        shortSide, Math.max(1, (int) Math.round((double) height * shortSide / width))
      };
    }
    return new int[] {
      Math.max(1, (int) Math.round((double) width * shortSide / height)), shortSide
    };
  }

  @Override
  public void close() {
    decoder.close();
  }
}
