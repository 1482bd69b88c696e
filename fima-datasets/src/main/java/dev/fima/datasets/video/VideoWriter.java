package dev.fima.datasets.video;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes packed BGR frames to a video file: MPEG-4 Part 2 in AVI (the UCF101 and HMDB51 format) or
 * H.264 in MP4 (the Kinetics and Diving48 format). Encoding is single-threaded so that the same
 * frames always give the same bytes.
 */
public final class VideoWriter implements AutoCloseable {

  /** The container and codec of a written file. */
  public enum Format {
    /** MPEG-4 Part 2 video in an AVI container. */
    MPEG4_AVI("avi", avcodec.AV_CODEC_ID_MPEG4),
    /** H.264 video in an MP4 container. */
    H264_MP4("mp4", avcodec.AV_CODEC_ID_H264);

    private final String container;
    private final int codec;

    Format(String container, int codec) {
      this.container = container;
      this.codec = codec;
    }
  }

  private final FFmpegFrameRecorder recorder;
  private final Frame frame;
  private final int width;
  private final int height;

  /**
   * Starts a file.
   *
   * @param file the file to write (its extension is ignored: the format decides the container)
   * @param format container and codec
   * @param width frame width, even
   * @param height frame height, even
   * @param fps frames per second
   * @param quality MPEG-4 quantiser, 1 (best) to 31; ignored for H.264, which uses a CRF of 18
   * @throws BadVideoException when FFmpeg cannot start the file
   */
  public VideoWriter(Path file, Format format, int width, int height, int fps, int quality)
      throws BadVideoException {
    FfmpegSetup.ensure();
    this.width = width;
    this.height = height;
    recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
    recorder.setFormat(format.container);
    recorder.setVideoCodec(format.codec);
    recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(fps);
    recorder.setGopSize(12);
    recorder.setVideoOption("threads", "1");
    if (format == Format.MPEG4_AVI) {
      recorder.setVideoQuality(quality);
    } else {
      recorder.setVideoOption("crf", "18");
      recorder.setVideoOption("preset", "veryfast");
    }
    try {
      recorder.start();
    } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
      throw new BadVideoException(file, "cannot start writing: " + e.getMessage(), e);
    }
    frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
  }

  /**
   * Appends one frame.
   *
   * @param bgr packed rows of {@code width * 3} bytes
   * @throws BadVideoException when encoding fails
   */
  public void write(byte[] bgr) throws BadVideoException {
    ByteBuffer buffer = (ByteBuffer) frame.image[0];
    int rowBytes = width * 3;
    for (int y = 0; y < height; y++) {
      buffer.put(y * frame.imageStride, bgr, y * rowBytes, rowBytes);
    }
    try {
      recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
    } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
      throw new BadVideoException(null, "encoding failed: " + e.getMessage(), e);
    }
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
      throw new BadVideoException(null, "cannot finish the file: " + e.getMessage(), e);
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
