package dev.fima.datasets.video;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Random access to windows of consecutive frames of one video file, decoded by FFmpeg (JavaCV) into
 * packed BGR bytes.
 *
 * <p>A window is reached by seeking to the nearest key frame before it and decoding forward, not by
 * decoding from the start; consecutive windows of one open reader are decoded forward without a
 * seek when the gap is small. Every decoded frame is placed by its presentation timestamp, so a
 * seek that lands late is detected (and repaired by decoding from the start) instead of silently
 * shifting the clip. With a short side set, FFmpeg's scaler resizes frames while converting them to
 * BGR, which is cheaper than resizing in Java.
 *
 * <p>A reader is not thread safe; loaders keep one per worker thread and video.
 */
public final class VideoReader implements AutoCloseable {

  /** Forward gaps up to this many frames are decoded through instead of seeking. */
  private static final int FORWARD_LIMIT = 24;

  private final Path path;
  private final FFmpegFrameGrabber grabber;
  private final double fps;
  private final long startMicros;
  private final int width;
  private final int height;
  private final int nativeWidth;
  private final int nativeHeight;
  private final int headerFrames;
  private byte[] pixels = new byte[0];
  private int nextIndex;

  private VideoReader(Path path, FFmpegFrameGrabber grabber, int shortSide) {
    this.path = path;
    this.grabber = grabber;
    this.fps = grabber.getVideoFrameRate() > 0 ? grabber.getVideoFrameRate() : 25;
    AVStream stream = grabber.getFormatContext().streams(grabber.getVideoStream());
    long start = stream.start_time();
    AVRational base = stream.time_base();
    this.startMicros =
        start == avutil.AV_NOPTS_VALUE ? 0 : 1_000_000L * start * base.num() / base.den();
    this.nativeWidth = grabber.getImageWidth();
    this.nativeHeight = grabber.getImageHeight();
    int[] size = resized(nativeWidth, nativeHeight, shortSide);
    this.width = size[0];
    this.height = size[1];
    if (width != nativeWidth || height != nativeHeight) {
      grabber.setImageWidth(width);
      grabber.setImageHeight(height);
    }
    this.headerFrames = Math.max(0, grabber.getLengthInVideoFrames());
    this.nextIndex = 0;
  }

  /**
   * Opens a video.
   *
   * @param path the file
   * @param shortSide resize frames so that the shorter side has this many pixels; 0 keeps them
   * @return the open reader
   * @throws BadVideoException when the file is empty, unreadable or has no video stream
   */
  public static VideoReader open(Path path, int shortSide) throws BadVideoException {
    FfmpegSetup.ensure();
    try {
      if (Files.size(path) == 0) {
        throw new BadVideoException(path, "zero-length file", null);
      }
    } catch (java.io.IOException e) {
      throw new BadVideoException(path, "unreadable: " + e.getMessage(), e);
    }
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toFile());
    // Parallelism comes from the loader's worker threads; FFmpeg's own threads would compete.
    grabber.setVideoOption("threads", "1");
    grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    try {
      grabber.start();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      closeQuietly(grabber);
      throw new BadVideoException(path, "unreadable: " + firstLine(e.getMessage()), e);
    }
    if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
      closeQuietly(grabber);
      throw new BadVideoException(path, "no video stream", null);
    }
    return new VideoReader(path, grabber, shortSide);
  }

  /**
   * Reads a video's frame count, rate and size, and checks that its first and last frames decode.
   * The frame count is the number of video packets, read without decoding, so that a truncated file
   * whose header promises more frames is caught.
   *
   * @param path the file
   * @return the video's description
   * @throws BadVideoException when the file cannot be used, with the reason
   */
  public static VideoInfo probe(Path path) throws BadVideoException {
    try (VideoReader reader = open(path, 0)) {
      int frames = reader.countPackets();
      if (frames == 0) {
        throw new BadVideoException(path, "no video frames", null);
      }
      reader.rewind();
      int[] seen = new int[1];
      int got = reader.read(0, 1, (o, b, w, h) -> seen[0]++);
      if (got < 1) {
        throw new BadVideoException(path, "cannot decode the first frame", null);
      }
      int last = reader.read(frames - 1, 1, (o, b, w, h) -> seen[0]++);
      if (last < 1) {
        throw new BadVideoException(
            path,
            "truncated or corrupt: cannot decode frame " + frames + " of " + frames + " listed",
            null);
      }
      return new VideoInfo(frames, reader.fps, reader.nativeWidth, reader.nativeHeight);
    }
  }

  /**
   * Returns the frame rate.
   *
   * @return frames per second
   */
  public double fps() {
    return fps;
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
   * Returns the frame count the container header claims (an estimate; the clip index counts packets
   * instead).
   *
   * @return frames
   */
  public int headerFrames() {
    return headerFrames;
  }

  /**
   * Decodes {@code count} consecutive frames starting at frame {@code start} and hands each to the
   * sink in order. When the video ends before the window does, the last decoded frame is repeated
   * for the missing offsets, so the sink always sees {@code count} frames once at least one frame
   * was decoded; the return value says how many were real.
   *
   * @param start index of the first frame, from 0
   * @param count frames to deliver
   * @param sink receives the frames
   * @return the number of distinct decoded frames delivered (less than {@code count} when the video
   *     is shorter than the window)
   * @throws BadVideoException when decoding fails or no frame at or after {@code start} exists
   */
  public int read(int start, int count, FrameSink sink) throws BadVideoException {
    try {
      int real = readOnce(start, count, sink, false);
      if (real < 0) {
        // The seek landed after the window start; decode from the beginning instead.
        rewind();
        real = readOnce(start, count, sink, true);
        if (real < 0) {
          throw new BadVideoException(path, "cannot position on frame " + start, null);
        }
      }
      return real;
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      throw new BadVideoException(
          path, "decoding failed near frame " + start + ": " + firstLine(e.getMessage()), e);
    }
  }

  private int readOnce(int start, int count, FrameSink sink, boolean fromHere)
      throws FFmpegFrameGrabber.Exception, BadVideoException {
    if (!fromHere && !(start >= nextIndex && start - nextIndex <= FORWARD_LIMIT)) {
      grabber.setVideoFrameNumber(start);
    }
    int delivered = 0;
    int real = 0;
    boolean any = false;
    while (delivered < count) {
      Frame frame = grabber.grabImage();
      if (frame == null || frame.image == null) {
        break;
      }
      int index = indexOf(frame.timestamp);
      nextIndex = index + 1;
      if (index < start + delivered) {
        continue;
      }
      if (!any && index > start && !fromHere) {
        // Landed after the window start: only a decode from the beginning can tell whether the
        // frame is missing from the file (then it is repeated, like any gap) or was skipped.
        return -1;
      }
      copyPixels(frame);
      any = true;
      real++;
      // A gap in the timestamps (a dropped frame) repeats the frame that follows it.
      while (delivered < count && start + delivered <= index) {
        sink.accept(delivered++, pixels, width, height);
      }
    }
    if (!any) {
      throw new BadVideoException(
          path, "no decodable frame at or after frame " + start + " (truncated or corrupt)", null);
    }
    while (delivered < count) {
      sink.accept(delivered++, pixels, width, height);
    }
    return real;
  }

  private int countPackets() throws BadVideoException {
    int stream = grabber.getVideoStream();
    int packets = 0;
    try {
      AVPacket packet;
      while ((packet = grabber.grabPacket()) != null) {
        if (packet.stream_index() == stream && packet.size() > 0) {
          packets++;
        }
        org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(packet);
      }
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      throw new BadVideoException(path, "unreadable: " + firstLine(e.getMessage()), e);
    }
    return packets;
  }

  private void rewind() throws BadVideoException {
    try {
      // The precise seek decodes the frame it lands on, so no stale frame is handed out next.
      grabber.setVideoTimestamp(0);
      nextIndex = 0;
    } catch (FFmpegFrameGrabber.Exception e) {
      throw new BadVideoException(path, "cannot seek: " + firstLine(e.getMessage()), e);
    }
  }

  private int indexOf(long timestampMicros) {
    return (int) Math.round((timestampMicros - startMicros) * fps / 1_000_000.0);
  }

  private void copyPixels(Frame frame) {
    int rowBytes = width * 3;
    if (pixels.length != rowBytes * height) {
      pixels = new byte[rowBytes * height];
    }
    ByteBuffer buffer = (ByteBuffer) frame.image[0];
    int stride = frame.imageStride;
    if (stride == rowBytes) {
      buffer.get(0, pixels, 0, rowBytes * height);
    } else {
      for (int y = 0; y < height; y++) {
        buffer.get(y * stride, pixels, y * rowBytes, rowBytes);
      }
    }
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

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static void closeQuietly(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      // Nothing useful can be done about a failure to free a file that failed to open.
    }
  }

  @Override
  public void close() {
    closeQuietly(grabber);
  }
}
