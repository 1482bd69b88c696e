package dev.fima.datasets.loader;

import dev.fima.api.config.ClipConfig;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoReader;
import java.util.List;

/**
 * Turns one window of raw frames into clips while it is decoded, so that no raw frame is stored:
 * each decoded frame is cropped and resized straight into every clip that uses it. A window of
 * {@code frames * stride} raw frames gives strided clips (frame {@code t} = raw frame {@code t *
 * stride}) and consecutive local clips (local clip {@code k} = raw frames {@code [k * Tl, (k + 1) *
 * Tl)}), section 1.1 of the method notes, for any {@code frames}, {@code stride} and number of
 * local clips.
 */
public final class ClipDecoder {

  private ClipDecoder() {}

  /**
   * Decodes one window.
   *
   * @param reader the open video
   * @param start first raw frame of the window
   * @param clip the clip geometry
   * @param strided strided clips of the window (several crops of the same frames), may be empty
   * @param locals the local clips in time order, empty or exactly {@code clip.localClips()}
   * @return the number of distinct raw frames decoded (less than the window for a short video,
   *     whose missing frames repeat the last one)
   * @throws BadVideoException when the video cannot be decoded
   */
  public static int decodeWindow(
      VideoReader reader,
      int start,
      ClipConfig clip,
      List<ClipTarget> strided,
      List<ClipTarget> locals)
      throws BadVideoException {
    int stride = clip.stride();
    int frames = clip.frames();
    int localFrames = clip.localClipFrames();
    int window = locals.isEmpty() ? (frames - 1) * stride + 1 : clip.windowFrames();
    return reader.read(
        start,
        window,
        (r, bgr, w, h) -> {
          if (r % stride == 0 && r / stride < frames) {
            for (ClipTarget target : strided) {
              target.write(bgr, w, r / stride);
            }
          }
          if (!locals.isEmpty()) {
            locals.get(r / localFrames).write(bgr, w, r % localFrames);
          }
        });
  }
}
