package dev.fima.datasets.video;

import dev.fima.api.config.VideoCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes packed BGR frames to a video file with one of the encoders of JavaCV's LGPL FFmpeg build:
 * MPEG-4 Part 2 in AVI (the UCF101 and HMDB51 format) or MP4, H.264 (OpenH264) in MP4 (the Kinetics
 * and Diving48 format), or Motion JPEG in AVI. Encoding is single-threaded so that the same frames
 * always give the same bytes.
 *
 * <p>Frames get consecutive timestamps unless {@link #write(byte[], long)} places them: timestamps
 * are counted in units of {@code 1 / fps} seconds, so a high {@link Encoding#fps()} with explicit
 * timestamps gives a variable frame rate (an AVI, whose frames have no timestamps of their own,
 * stores such gaps as empty placeholder frames).
 */
public final class VideoWriter implements AutoCloseable {

  /** The container and codec of a written file. */
  public enum Format {
    /** MPEG-4 Part 2 video in an AVI container. */
    MPEG4_AVI("avi", avcodec.AV_CODEC_ID_MPEG4),
    /** H.264 video (OpenH264, no B-frames) in an MP4 container. */
    H264_MP4("mp4", avcodec.AV_CODEC_ID_H264),
    /** MPEG-4 Part 2 video in an MP4 container (B-frames get explicit presentation timestamps). */
    MPEG4_MP4("mp4", avcodec.AV_CODEC_ID_MPEG4),
    /** Motion JPEG in an AVI container: every frame is a key frame. */
    MJPEG_AVI("avi", avcodec.AV_CODEC_ID_MJPEG);

    private final String container;
    private final int codec;

    Format(String container, int codec) {
      this.container = container;
      this.codec = codec;
    }

    /**
     * Returns the container's usual file extension.
     *
     * @return {@code avi} or {@code mp4}
     */
    public String extension() {
      return container;
    }

    /**
     * Tells whether the encoder can write B-frames.
     *
     * @return true for MPEG-4 Part 2
     */
    public boolean supportsBFrames() {
      return codec == avcodec.AV_CODEC_ID_MPEG4;
    }
  }

  /**
   * How frames are encoded.
   *
   * @param fps frames per second, and the unit of explicit timestamps ({@code 1 / fps} s)
   * @param quality MPEG-4 and Motion JPEG quantiser, 1 (best) to 31
   * @param keyFrameInterval frames from one key frame to the next, at least 1
   * @param bFrames consecutive B-frames, 0 for none (MPEG-4 Part 2 only)
   * @param bitrate H.264 bits per second (OpenH264 has no constant-quality mode); 0 lets FFmpeg
   *     choose
   */
  public record Encoding(double fps, int quality, int keyFrameInterval, int bFrames, int bitrate) {

    /** Validates the values. */
    public Encoding {
      if (!(fps > 0) || quality < 1 || quality > 31 || keyFrameInterval < 1 || bFrames < 0) {
        throw new IllegalArgumentException(
            "need fps > 0, quality 1-31, key-frame interval >= 1, B-frames >= 0; got fps "
                + fps
                + ", quality "
                + quality
                + ", key-frame interval "
                + keyFrameInterval
                + ", B-frames "
                + bFrames);
      }
    }

    /**
     * Returns the encoding of {@code fps} frames per second at a quantiser, a key frame every 12
     * frames, no B-frames and FFmpeg's bitrate.
     *
     * @param fps frames per second
     * @param quality quantiser, 1 (best) to 31
     * @return the encoding
     */
    public static Encoding of(double fps, int quality) {
      return new Encoding(fps, quality, 12, 0, 0);
    }

    /**
     * Returns a copy with another key-frame interval.
     *
     * @param frames frames from one key frame to the next
     * @return the copy
     */
    public Encoding withKeyFrameInterval(int frames) {
      return new Encoding(fps, quality, frames, bFrames, bitrate);
    }

    /**
     * Returns a copy with B-frames.
     *
     * @param frames consecutive B-frames
     * @return the copy
     */
    public Encoding withBFrames(int frames) {
      return new Encoding(fps, quality, keyFrameInterval, frames, bitrate);
    }

    /**
     * Returns a copy with an H.264 bitrate.
     *
     * @param bitsPerSecond the bitrate
     * @return the copy
     */
    public Encoding withBitrate(int bitsPerSecond) {
      return new Encoding(fps, quality, keyFrameInterval, bFrames, bitsPerSecond);
    }
  }

  private final Path file;
  private final FFmpegFrameRecorder recorder;
  private final Frame frame;
  private final int width;
  private final int height;
  private long nextTimestamp;

  /**
   * Starts a file at a whole frame rate with a key frame every 12 frames and no B-frames.
   *
   * @param file the file to write (its extension is ignored: the format decides the container)
   * @param format container and codec
   * @param width frame width, even
   * @param height frame height, even
   * @param fps frames per second
   * @param quality MPEG-4 quantiser, 1 (best) to 31; ignored for H.264
   * @throws BadVideoException when FFmpeg cannot start the file
   */
  public VideoWriter(Path file, Format format, int width, int height, int fps, int quality)
      throws BadVideoException {
    this(file, format, width, height, Encoding.of(fps, quality));
  }

  /**
   * Starts a file.
   *
   * @param file the file to write (its extension is ignored: the format decides the container)
   * @param format container and codec
   * @param width frame width, even
   * @param height frame height, even
   * @param encoding rate, quality, key-frame interval and B-frames
   * @throws BadVideoException when FFmpeg cannot start the file, or the format cannot write
   *     B-frames
   */
  public VideoWriter(Path file, Format format, int width, int height, Encoding encoding)
      throws BadVideoException {
    this(file, format.container, format.codec, width, height, checked(file, format, encoding));
  }

  private static Encoding checked(Path file, Format format, Encoding encoding)
      throws BadVideoException {
    if (encoding.bFrames() > 0 && !format.supportsBFrames()) {
      throw new BadVideoException(file, format + " cannot write B-frames", null);
    }
    return encoding;
  }

  /**
   * Starts a file whose container follows a file name's extension: {@code avi}, {@code mp4}, {@code
   * m4v}, {@code mov} and {@code mkv} with the given codec, {@code webm} as VP8 and {@code mpg} or
   * {@code mpeg} as MPEG-2 video (the only codecs those take). H.264 and VP8 get a bitrate of 0.15
   * bits per pixel and frame unless the encoding sets one.
   *
   * @param file the file to write (any name: the extension decides)
   * @param extension the extension of the file name the video will have, without the dot
   * @param codec the codec for containers that take several
   * @param width frame width, even
   * @param height frame height, even
   * @param encoding rate, quality and key-frame interval (no B-frames)
   * @return the writer
   * @throws BadVideoException when the extension names no container this build can write, or FFmpeg
   *     cannot start the file
   */
  public static VideoWriter forExtension(
      Path file, String extension, VideoCodec codec, int width, int height, Encoding encoding)
      throws BadVideoException {
    String ext = extension.toLowerCase(java.util.Locale.ROOT);
    String container =
        switch (ext) {
          case "avi" -> "avi";
          case "mp4", "m4v" -> "mp4";
          case "mov" -> "mov";
          case "mkv" -> "matroska";
          case "webm" -> "webm";
          case "mpg", "mpeg" -> "vob";
          default -> null;
        };
    if (container == null) {
      throw new BadVideoException(file, "no container for ." + extension + " files", null);
    }
    int id =
        switch (ext) {
          case "webm" -> avcodec.AV_CODEC_ID_VP8;
          case "mpg", "mpeg" -> avcodec.AV_CODEC_ID_MPEG2VIDEO;
          default ->
              switch (codec) {
                case MPEG4 -> avcodec.AV_CODEC_ID_MPEG4;
                case H264 -> avcodec.AV_CODEC_ID_H264;
                case MJPEG -> avcodec.AV_CODEC_ID_MJPEG;
              };
        };
    Encoding e = encoding.withBFrames(0);
    if ((id == avcodec.AV_CODEC_ID_H264 || id == avcodec.AV_CODEC_ID_VP8) && e.bitrate() == 0) {
      e = e.withBitrate((int) Math.min(Integer.MAX_VALUE, 0.15 * width * height * e.fps()));
    }
    return new VideoWriter(file, container, id, width, height, e);
  }

  private VideoWriter(
      Path file, String container, int codec, int width, int height, Encoding encoding)
      throws BadVideoException {
    FfmpegSetup.ensure();
    this.file = file;
    this.width = width;
    this.height = height;
    recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
    recorder.setFormat(container);
    recorder.setVideoCodec(codec);
    recorder.setPixelFormat(
        codec == avcodec.AV_CODEC_ID_MJPEG
            ? avutil.AV_PIX_FMT_YUVJ420P
            : avutil.AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(encoding.fps());
    recorder.setGopSize(encoding.keyFrameInterval());
    recorder.setMaxBFrames(encoding.bFrames());
    recorder.setVideoOption("threads", "1");
    if (codec == avcodec.AV_CODEC_ID_H264 || codec == avcodec.AV_CODEC_ID_VP8) {
      if (encoding.bitrate() > 0) {
        recorder.setVideoBitrate(encoding.bitrate());
      }
    } else {
      recorder.setVideoQuality(encoding.quality());
    }
    try {
      recorder.start();
    } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
      close();
      throw new BadVideoException(file, "cannot start writing: " + e.getMessage(), e);
    }
    frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
  }

  /**
   * Appends one frame right after the previous one.
   *
   * @param bgr packed rows of {@code width * 3} bytes
   * @throws BadVideoException when encoding fails
   */
  public void write(byte[] bgr) throws BadVideoException {
    write(bgr, nextTimestamp);
  }

  /**
   * Appends one frame at a given time.
   *
   * @param bgr packed rows of {@code width * 3} bytes
   * @param timestamp the frame's time in units of {@code 1 / fps} seconds, later than the previous
   *     frame's
   * @throws BadVideoException when encoding fails or the timestamp is not later
   */
  public void write(byte[] bgr, long timestamp) throws BadVideoException {
    if (timestamp < nextTimestamp) {
      throw new BadVideoException(
          file, "frame timestamps must increase: " + timestamp + " after " + nextTimestamp, null);
    }
    ByteBuffer buffer = (ByteBuffer) frame.image[0];
    int rowBytes = width * 3;
    for (int y = 0; y < height; y++) {
      buffer.put(y * frame.imageStride, bgr, y * rowBytes, rowBytes);
    }
    try {
      recorder.setFrameNumber(Math.toIntExact(timestamp));
      recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
    } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
      throw new BadVideoException(file, "encoding failed: " + e.getMessage(), e);
    }
    nextTimestamp = timestamp + 1;
  }

  /**
   * Finishes the file.
   *
   * @throws BadVideoException when the trailer cannot be written
   */
  public void finish() throws BadVideoException {
    try {
      recorder.stop();
    } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
      throw new BadVideoException(file, "cannot finish the file: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      recorder.release();
    } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
      // Releasing native memory of a recorder that already failed has no useful recovery.
    }
  }
}
