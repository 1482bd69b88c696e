package dev.fima.datasets.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One open video stream, decoded frame by frame with FFmpeg's own API (libavformat and libavcodec
 * through JavaCPP): the frames come out in presentation order with their best-effort presentation
 * timestamps in stream time-base units, exactly as {@code ffmpeg} and {@code ffprobe} see them, and
 * only the frames a caller keeps are converted to BGR. JavaCV's grabber converts every frame and
 * hides the timestamps behind microseconds and an average frame rate, which is why it is not used
 * here.
 *
 * <p>Damaged packets are counted and passed over, as {@code ffmpeg} does: a decode goes on to the
 * end of the file. Not thread safe.
 */
final class FfmpegDecoder implements AutoCloseable {

  private final Path path;
  private AVFormatContext format;
  private AVCodecContext codec;
  private final AVPacket packet;
  private final AVFrame frame;
  private final int stream;
  private final AVRational timeBase;
  private SwsContext scaler;
  private BytePointer bgr;
  private PointerPointer<BytePointer> bgrPlanes;
  private IntPointer bgrStride;
  private boolean flushed;
  private boolean closed;
  private long firstPacketTimestamp = Long.MIN_VALUE;
  private long lastTimestamp = Long.MIN_VALUE;
  private long lastStep;
  private int packets;
  private int emptyPackets;
  private int damagedPackets;
  private boolean damagedTail;
  private String readError;

  private FfmpegDecoder(Path path) throws BadVideoException {
    this.path = path;
    FfmpegSetup.ensure();
    AVFormatContext ctx = avformat_alloc_context();
    int opened = avformat_open_input(ctx, path.toString(), null, null);
    if (opened < 0) {
      // FFmpeg frees the context when opening fails.
      throw new BadVideoException(path, "unreadable: " + describe(opened), null);
    }
    format = ctx;
    packet = av_packet_alloc();
    frame = av_frame_alloc();
    try {
      check(avformat_find_stream_info(format, (PointerPointer<?>) null), "unreadable");
      if (format.nb_streams() == 0) {
        throw new BadVideoException(path, "unreadable: FFmpeg finds no stream in it", null);
      }
      stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
      if (stream < 0) {
        throw new BadVideoException(path, "no video stream", null);
      }
      AVStream st = format.streams(stream);
      timeBase = st.time_base();
      AVCodec decoder = avcodec_find_decoder(st.codecpar().codec_id());
      if (decoder == null) {
        throw new BadVideoException(path, "no decoder for its video codec", null);
      }
      codec = avcodec_alloc_context3(decoder);
      check(avcodec_parameters_to_context(codec, st.codecpar()), "unreadable");
      AVDictionary options = new AVDictionary(null);
      // Parallelism comes from the loaders' threads; FFmpeg's own threads would compete.
      av_dict_set(options, "threads", "1", 0);
      int started = avcodec_open2(codec, decoder, options);
      av_dict_free(options);
      check(started, "cannot open its decoder");
      if (codec.width() <= 0 || codec.height() <= 0) {
        throw new BadVideoException(path, "no video stream", null);
      }
    } catch (BadVideoException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Opens a file's best video stream.
   *
   * @param path the file
   * @return the decoder, positioned at the start
   * @throws BadVideoException when the file cannot be opened or has no decodable video stream
   */
  static FfmpegDecoder open(Path path) throws BadVideoException {
    return new FfmpegDecoder(path);
  }

  private void check(int code, String what) throws BadVideoException {
    if (code < 0) {
      throw new BadVideoException(path, what + ": " + describe(code), null);
    }
  }

  /** FFmpeg's message for an error code. */
  static String describe(int code) {
    byte[] buffer = new byte[256];
    av_strerror(code, buffer, buffer.length);
    int n = 0;
    while (n < buffer.length && buffer[n] != 0) {
      n++;
    }
    return new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Decodes the next frame in presentation order.
   *
   * @return the frame, valid until the next call; {@code null} at the end of the stream
   */
  AVFrame next() {
    while (true) {
      int r = avcodec_receive_frame(codec, frame);
      if (r >= 0) {
        return frame;
      }
      if (r == AVERROR_EOF || flushed) {
        return null;
      }
      if (r != AVERROR_EAGAIN()) {
        damaged();
      }
      r = av_read_frame(format, packet);
      if (r < 0) {
        if (r != AVERROR_EOF) {
          readError = describe(r);
        }
        // Drain the frames the decoder still holds back (B-frame reordering).
        avcodec_send_packet(codec, null);
        flushed = true;
        continue;
      }
      try {
        if (packet.stream_index() != stream) {
          continue;
        }
        packets++;
        if (packet.size() == 0) {
          emptyPackets++;
        }
        damagedTail = false;
        if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
          damaged();
        }
        if (firstPacketTimestamp == Long.MIN_VALUE) {
          long t = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : packet.pts();
          firstPacketTimestamp = t == AV_NOPTS_VALUE ? Long.MIN_VALUE + 1 : t;
        }
        int sent = avcodec_send_packet(codec, packet);
        if (sent < 0 && sent != AVERROR_EAGAIN()) {
          damaged();
        }
      } finally {
        av_packet_unref(packet);
      }
    }
  }

  private void damaged() {
    damagedPackets++;
    damagedTail = true;
  }

  /**
   * Returns a decoded frame's presentation timestamp. Containers that store only decode timestamps
   * (AVI, MPEG program streams) give none to the frames the decoder releases after the last packet
   * (it holds frames back to reorder B-frames); like the frame durations FFmpeg reports, such a
   * frame follows its predecessor by its duration.
   *
   * @param decoded the frame {@link #next()} returned last
   * @return stream time-base units, or {@link Long#MIN_VALUE} when neither the stream nor a
   *     predecessor decoded since the last seek gives one
   */
  long timestamp(AVFrame decoded) {
    long t = decoded.best_effort_timestamp();
    if (t == AV_NOPTS_VALUE) {
      if (lastTimestamp == Long.MIN_VALUE) {
        return Long.MIN_VALUE;
      }
      long step = decoded.duration() > 0 ? decoded.duration() : Math.max(1, lastStep);
      t = lastTimestamp + step;
    }
    if (lastTimestamp != Long.MIN_VALUE && t > lastTimestamp) {
      lastStep = t - lastTimestamp;
    }
    lastTimestamp = t;
    return t;
  }

  /**
   * Seeks to the last key frame at or before a timestamp (as the container's index knows it) and
   * empties the decoder; the next frames decoded may still start after the timestamp, which the
   * caller must check.
   *
   * @param timestamp stream time-base units
   * @return false when the container cannot seek
   */
  boolean seek(long timestamp) {
    int r = av_seek_frame(format, stream, timestamp, AVSEEK_FLAG_BACKWARD);
    avcodec_flush_buffers(codec);
    flushed = false;
    firstPacketTimestamp = Long.MIN_VALUE;
    lastTimestamp = Long.MIN_VALUE;
    return r >= 0;
  }

  /**
   * Returns the decode timestamp of the first video packet read since the last seek: where the seek
   * actually landed, for seeking further back when it landed too late.
   *
   * @return stream time-base units, or {@link Long#MIN_VALUE} before any packet
   */
  long firstPacketTimestamp() {
    return firstPacketTimestamp;
  }

  /**
   * Converts a decoded frame to packed BGR at the given size (bilinear when resized).
   *
   * @param decoded a frame from {@link #next()}
   * @param width output width
   * @param height output height
   * @param out receives {@code width * height * 3} bytes
   */
  void toBgr(AVFrame decoded, int width, int height, byte[] out) {
    // Accurate rounding also keeps swscale off its vector YUV-to-RGB shortcut, which reads past
    // the right edge of frames whose width is not a multiple of its block (340 pixels, say) and
    // so returned last columns that changed with whatever the decoder's buffer held before.
    scaler =
        sws_getCachedContext(
            scaler,
            decoded.width(),
            decoded.height(),
            decoded.format(),
            width,
            height,
            AV_PIX_FMT_BGR24,
            SWS_BILINEAR | SWS_ACCURATE_RND,
            null,
            null,
            (DoublePointer) null);
    if (scaler == null) {
      throw new IllegalStateException(
          "FFmpeg has no conversion from pixel format " + decoded.format() + " to BGR");
    }
    // Rows padded to 64 bytes and slack after the last one: the scaler's vector code writes in
    // whole blocks.
    int rowBytes = width * 3;
    int stride = (rowBytes + 63) & ~63;
    long bytes = (long) stride * height + 64;
    if (bgr == null || bgr.capacity() != bytes || bgrStride.get(0) != stride) {
      if (bgr != null) {
        bgr.close();
        bgrPlanes.close();
        bgrStride.close();
      }
      bgr = new BytePointer(bytes);
      bgr.capacity(bytes);
      // sws_scale reads four planes and strides, even for one packed plane.
      bgrPlanes = new PointerPointer<>(4);
      bgrPlanes.put(0, bgr);
      bgrStride = new IntPointer(new int[] {stride, 0, 0, 0});
    }
    sws_scale(
        scaler, decoded.data(), decoded.linesize(), 0, decoded.height(), bgrPlanes, bgrStride);
    if (stride == rowBytes) {
      bgr.get(out, 0, rowBytes * height);
    } else {
      for (int y = 0; y < height; y++) {
        bgr.position((long) y * stride).get(out, y * rowBytes, rowBytes);
      }
      bgr.position(0);
    }
  }

  /**
   * Returns the coded frame width.
   *
   * @return pixels
   */
  int width() {
    return codec.width();
  }

  /**
   * Returns the coded frame height.
   *
   * @return pixels
   */
  int height() {
    return codec.height();
  }

  /**
   * Returns the video stream's time base.
   *
   * @return {@code {numerator, denominator}}: one timestamp unit is this many seconds
   */
  int[] timeBase() {
    return new int[] {timeBase.num(), timeBase.den()};
  }

  /**
   * Returns the frame count the container header states for the stream.
   *
   * @return frames, or 0 when the container does not state one
   */
  long headerFrames() {
    return Math.max(0, format.streams(stream).nb_frames());
  }

  /**
   * Returns the stream's average frame rate as the container or the probe states it.
   *
   * @return frames per second, or 0 when unknown
   */
  double averageRate() {
    AVRational r = format.streams(stream).avg_frame_rate();
    if (r.num() > 0 && r.den() > 0) {
      return (double) r.num() / r.den();
    }
    AVRational real = format.streams(stream).r_frame_rate();
    return real.num() > 0 && real.den() > 0 ? (double) real.num() / real.den() : 0;
  }

  /**
   * Returns how many video packets were read.
   *
   * @return packets, empty ones included
   */
  int packets() {
    return packets;
  }

  /**
   * Returns how many video packets were empty (an AVI's dropped-frame placeholders).
   *
   * @return packets of size 0
   */
  int emptyPackets() {
    return emptyPackets;
  }

  /**
   * Returns how many packets were flagged as cut short or failed to decode.
   *
   * @return the count
   */
  int damagedPackets() {
    return damagedPackets;
  }

  /**
   * Tells whether the last video packet read was cut short or failed to decode (or the decoder
   * reported an error while releasing its last frames): the mark of a file cut off mid-packet.
   *
   * @return true when the stream ended damaged
   */
  boolean damagedTail() {
    return damagedTail;
  }

  /**
   * Returns why reading the file stopped before its normal end, if it did.
   *
   * @return FFmpeg's message, or {@code null} when it reached the end normally
   */
  String readError() {
    return readError;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (scaler != null) {
      sws_freeContext(scaler);
      scaler = null;
    }
    if (bgr != null) {
      bgr.close();
      bgrPlanes.close();
      bgrStride.close();
      bgr = null;
    }
    if (codec != null) {
      avcodec_free_context(codec);
      codec = null;
    }
    if (format != null) {
      avformat_close_input(format);
      format = null;
    }
    if (packet != null) {
      av_packet_free(packet);
    }
    if (frame != null) {
      av_frame_free(frame);
    }
  }
}
