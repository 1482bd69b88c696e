package dev.fima.datasets.video;

import dev.fima.api.config.VideoCodec;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Re-encodes one video at a new size, frame for frame: every frame a full decode of the source
 * yields is written, in order, at the source's average rate, with a bounded key-frame interval; the
 * written file is then decoded back and must hold exactly as many frames. A source that was cut
 * short is refused, so that a prepared dataset never hides a truncation behind a healthy-looking
 * shorter file.
 */
public final class VideoTranscoder {

  /**
   * What was written.
   *
   * @param frames frames written (and decoded back)
   * @param width written frame width
   * @param height written frame height
   */
  public record Result(int frames, int width, int height) {}

  private VideoTranscoder() {}

  /**
   * Converts a video.
   *
   * @param source the video to read
   * @param target the file to write (the caller renames it into place once it is verified)
   * @param extension the extension of the final file name, which decides the container
   * @param codec the codec for containers that take several
   * @param shortSide the written frames' short side, even
   * @param keyFrameInterval frames from one key frame to the next
   * @param quality quantiser for the codecs that take one
   * @return what was written
   * @throws BadVideoException when the source cannot be decoded or was cut short, the target cannot
   *     be written, or the target does not decode back to the source's frame count
   */
  public static Result transcode(
      Path source,
      Path target,
      String extension,
      VideoCodec codec,
      int shortSide,
      int keyFrameInterval,
      int quality)
      throws BadVideoException {
    VideoReader.requireContent(source);
    int written = 0;
    int width;
    int height;
    try (FfmpegDecoder in = FfmpegDecoder.open(source)) {
      int[] size = resized(in.width(), in.height(), shortSide);
      width = size[0];
      height = size[1];
      double fps = in.averageRate() > 0 ? in.averageRate() : 25;
      VideoWriter.Encoding encoding =
          new VideoWriter.Encoding(fps, quality, keyFrameInterval, 0, 0);
      byte[] bgr = new byte[width * height * 3];
      try (VideoWriter out =
          VideoWriter.forExtension(target, extension, codec, width, height, encoding)) {
        AVFrame frame;
        while ((frame = in.next()) != null) {
          in.toBgr(frame, width, height, bgr);
          out.write(bgr);
          written++;
        }
        out.finish();
      }
      if (written == 0) {
        throw new BadVideoException(source, "no decodable video frame", null);
      }
      long header = in.headerFrames();
      if (header > written && (in.damagedTail() || in.readError() != null)) {
        throw new BadVideoException(
            source,
            "truncated: " + written + " of the " + header + " frames its header lists decode",
            null);
      }
    } catch (RuntimeException e) {
      throw new BadVideoException(source, "conversion failed: " + e.getMessage(), e);
    }
    VideoInfo back = VideoReader.probe(target);
    if (back.frames() != written) {
      throw new BadVideoException(
          source,
          "the converted file decodes to "
              + back.frames()
              + " frames, the source to "
              + written
              + " (not kept)",
          null);
    }
    return new Result(written, width, height);
  }

  /** The short-side resize with both sides rounded to even, as 4:2:0 encoders need. */
  static int[] resized(int width, int height, int shortSide) {
    int[] size = VideoReader.resized(width, height, shortSide);
    return new int[] {Math.max(2, size[0] / 2 * 2), Math.max(2, size[1] / 2 * 2)};
  }
}
