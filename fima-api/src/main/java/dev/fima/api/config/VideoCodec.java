package dev.fima.api.config;

/**
 * A video encoder of JavaCV's LGPL FFmpeg build that {@code fima prepare} can write with. A WebM
 * file is always written as VP8 and an MPEG program stream ({@code .mpg}) as MPEG-2 video, the only
 * codecs those containers take.
 */
public enum VideoCodec {
  /** MPEG-4 Part 2 (the UCF101 and HMDB51 codec): fast to decode, no B-frames written. */
  MPEG4,
  /** H.264 through OpenH264 (baseline profile, no B-frames). */
  H264,
  /** Motion JPEG: every frame a key frame, the cheapest random access and the largest files. */
  MJPEG
}
