package dev.fima.datasets.augment;

/**
 * Cuts a {@link CropBox} out of packed BGR frames and resizes it to S x S with bilinear
 * interpolation in PyTorch's {@code align_corners=False} convention (no antialiasing, as the
 * reference's {@code F.interpolate}), mirrored when the box says so, writing RGB floats in [0, 1]
 * straight into a clip buffer. The sampling positions depend only on the box, so they are computed
 * once per clip and reused for every frame.
 */
public final class CropResizer {

  private final int size;
  private final int[] col0;
  private final int[] col1;
  private final float[] colWeight;
  private final int[] row0;
  private final int[] row1;
  private final float[] rowWeight;

  /**
   * Prepares the resize of one box.
   *
   * @param box the crop in frame pixels
   * @param size the output side S
   */
  public CropResizer(CropBox box, int size) {
    this.size = size;
    col0 = new int[size];
    col1 = new int[size];
    colWeight = new float[size];
    row0 = new int[size];
    row1 = new int[size];
    rowWeight = new float[size];
    axis(box.left(), box.width(), size, col0, col1, colWeight);
    axis(box.top(), box.height(), size, row0, row1, rowWeight);
    if (box.flipped()) {
      reverse(col0);
      reverse(col1);
      reverse(colWeight);
    }
  }

  /**
   * Returns the output side.
   *
   * @return S
   */
  public int size() {
    return size;
  }

  /**
   * Resizes one frame into one time step of a {@code [3, T, S, S]} clip.
   *
   * @param bgr the frame, packed rows of {@code frameWidth * 3} bytes
   * @param frameWidth columns of the frame
   * @param dst the clip buffer
   * @param offset index in {@code dst} of pixel (0, 0) of the red channel at this time step
   * @param channelStride distance in {@code dst} between channels, {@code T * S * S}
   */
  public void resize(byte[] bgr, int frameWidth, float[] dst, int offset, int channelStride) {
    final float inv = 1f / 255f;
    int rowBytes = frameWidth * 3;
    for (int y = 0; y < size; y++) {
      int r0 = row0[y] * rowBytes;
      int r1 = row1[y] * rowBytes;
      float wy = rowWeight[y];
      float wy0 = (1 - wy) * inv;
      float wy1 = wy * inv;
      int out = offset + y * size;
      for (int x = 0; x < size; x++) {
        int c0 = col0[x] * 3;
        int c1 = col1[x] * 3;
        float wx = colWeight[x];
        float wx0 = 1 - wx;
        int a = r0 + c0;
        int b = r0 + c1;
        int c = r1 + c0;
        int d = r1 + c1;
        // BGR in, RGB out: channel k of the output reads byte 2 - k of each pixel.
        for (int k = 0; k < 3; k++) {
          int s = 2 - k;
          float top = (bgr[a + s] & 0xFF) * wx0 + (bgr[b + s] & 0xFF) * wx;
          float bottom = (bgr[c + s] & 0xFF) * wx0 + (bgr[d + s] & 0xFF) * wx;
          dst[out + k * channelStride + x] = top * wy0 + bottom * wy1;
        }
      }
    }
  }

  /**
   * Fills the source indices and weights of one axis: output pixel {@code o} samples the crop at
   * {@code max(0, (o + 0.5) * in / out - 0.5)}, between pixels {@code floor} and {@code floor + 1}
   * (clamped to the crop).
   */
  private static void axis(int start, int length, int out, int[] lo, int[] hi, float[] weight) {
    double scale = (double) length / out;
    for (int o = 0; o < out; o++) {
      double src = Math.max(0.0, (o + 0.5) * scale - 0.5);
      int i0 = Math.min((int) Math.floor(src), length - 1);
      int i1 = Math.min(i0 + 1, length - 1);
      lo[o] = start + i0;
      hi[o] = start + i1;
      weight[o] = (float) (src - i0);
    }
  }

  private static void reverse(int[] a) {
    for (int i = 0, j = a.length - 1; i < j; i++, j--) {
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static void reverse(float[] a) {
    for (int i = 0, j = a.length - 1; i < j; i++, j--) {
      float t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
