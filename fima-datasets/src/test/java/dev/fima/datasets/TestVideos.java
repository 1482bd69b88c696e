package dev.fima.datasets;

import dev.fima.datasets.video.VideoWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small generated videos for tests. */
public final class TestVideos {

  private TestVideos() {}

  /**
   * Writes a video whose frame {@code t} is one flat colour that encodes {@code t} (blue and green
   * carry {@code t mod 16}, red {@code t / 16}, in steps of 14 levels that codecs keep apart), so
   * that a decoded frame tells its own index.
   */
  public static Path indexVideo(Path file, VideoWriter.Format format, int frames, int w, int h)
      throws Exception {
    return indexVideo(file, format, VideoWriter.Encoding.of(25, 2), frames, w, h, null);
  }

  /**
   * Writes an index video (see {@link #indexVideo(Path, VideoWriter.Format, int, int, int)}) with a
   * given encoding and, optionally, explicit timestamps.
   *
   * @param timestamps frame {@code t}'s time in units of {@code 1 / encoding.fps()}, increasing, or
   *     {@code null} for consecutive frames
   */
  public static Path indexVideo(
      Path file,
      VideoWriter.Format format,
      VideoWriter.Encoding encoding,
      int frames,
      int w,
      int h,
      long[] timestamps)
      throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] bgr = new byte[w * h * 3];
    try (VideoWriter writer = new VideoWriter(file, format, w, h, encoding)) {
      for (int t = 0; t < frames; t++) {
        for (int p = 0; p < w * h; p++) {
          bgr[3 * p] = (byte) (16 + 14 * (t % 16));
          bgr[3 * p + 1] = (byte) (16 + 14 * (t % 16));
          bgr[3 * p + 2] = (byte) (16 + 14 * (t / 16));
        }
        if (timestamps == null) {
          writer.write(bgr);
        } else {
          writer.write(bgr, timestamps[t]);
        }
      }
      writer.finish();
    }
    return file;
  }

  /**
   * Copies the first part of a file, as an interrupted download leaves it.
   *
   * @param source the whole file
   * @param target the cut copy
   * @param fraction the share of the bytes kept
   * @return the copy
   */
  public static Path truncated(Path source, Path target, double fraction) throws Exception {
    byte[] bytes = Files.readAllBytes(source);
    Files.createDirectories(target.toAbsolutePath().getParent());
    return Files.write(target, java.util.Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
  }

  /**
   * Decodes the frame index that {@link #indexVideo} wrote into one pixel of a clip buffer in [0,
   * 1] ({@code [3, T, S, S]} layout).
   *
   * @param clip the buffer
   * @param offset index of the clip's first value
   * @param frames T
   * @param plane S * S
   * @param t the time step
   * @return the frame index
   */
  public static int indexAt(float[] clip, int offset, int frames, int plane, int t) {
    double red = clip[offset + t * plane] * 255.0;
    double green = clip[offset + (frames + t) * plane] * 255.0;
    double blue = clip[offset + (2 * frames + t) * plane] * 255.0;
    int low = (int) Math.round(((green + blue) / 2 - 16) / 14);
    int high = (int) Math.round((red - 16) / 14);
    return high * 16 + low;
  }

  /** Writes a small index video in AVI. */
  public static Path avi(Path file, int frames) throws Exception {
    return indexVideo(file, VideoWriter.Format.MPEG4_AVI, frames, 32, 24);
  }

  /** Writes a small index video in MP4 (H.264). */
  public static Path mp4(Path file, int frames) throws Exception {
    return indexVideo(file, VideoWriter.Format.H264_MP4, frames, 32, 24);
  }

  /** Writes text lines to a file, creating its folder. */
  public static Path text(Path file, String... lines) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.write(file, java.util.List.of(lines));
  }

  /** Decodes the frame index that {@link #indexVideo} wrote into a frame. */
  public static int indexOf(byte[] bgr) {
    double blueGreen = 0;
    double red = 0;
    int n = bgr.length / 3;
    for (int p = 0; p < n; p++) {
      blueGreen += (bgr[3 * p] & 0xFF) + (bgr[3 * p + 1] & 0xFF);
      red += bgr[3 * p + 2] & 0xFF;
    }
    int low = (int) Math.round((blueGreen / (2.0 * n) - 16) / 14);
    int high = (int) Math.round((red / n - 16) / 14);
    return high * 16 + low;
  }

  /** Mean of all bytes of a frame. */
  public static double mean(byte[] bgr) {
    long sum = 0;
    for (byte b : bgr) {
      sum += b & 0xFF;
    }
    return (double) sum / bgr.length;
  }

  /** Writes a file whose only stream is audio: a container FFmpeg opens, with nothing to decode. */
  public static Path audioOnly(Path file) throws Exception {
    try (org.bytedeco.javacv.FFmpegFrameRecorder recorder =
        new org.bytedeco.javacv.FFmpegFrameRecorder(file.toFile(), 1)) {
      recorder.setFormat("avi");
      recorder.setAudioCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_S16LE);
      recorder.setSampleRate(8000);
      recorder.start();
      short[] samples = new short[8000];
      for (int i = 0; i < samples.length; i++) {
        samples[i] = (short) (1000 * Math.sin(i / 10.0));
      }
      recorder.recordSamples(8000, 1, java.nio.ShortBuffer.wrap(samples));
      recorder.stop();
    }
    return file;
  }
}
