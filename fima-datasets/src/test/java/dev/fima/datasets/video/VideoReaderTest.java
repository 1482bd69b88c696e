package dev.fima.datasets.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.datasets.TestVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VideoReaderTest {

  @TempDir Path dir;

  private static int[] readIndices(VideoReader reader, int start, int count, int frames)
      throws BadVideoException {
    int[] got = new int[count];
    reader.read(start, count, (o, bgr, w, h) -> got[o] = TestVideos.indexOf(bgr));
    return got;
  }

  private static int[] range(int start, int count) {
    int[] r = new int[count];
    for (int i = 0; i < count; i++) {
      r[i] = start + i;
    }
    return r;
  }

  @ParameterizedTest
  @EnumSource(VideoWriter.Format.class)
  void probeCountsFramesAndSeeksLandExactly(VideoWriter.Format format) throws Exception {
    int frames = 60;
    Path file = TestVideos.indexVideo(dir.resolve("v." + format.name()), format, frames, 64, 48);
    VideoInfo info = VideoReader.probe(file);
    assertEquals(frames, info.frames());
    assertEquals(25.0, info.fps(), 1e-6);
    assertEquals(64, info.width());
    assertEquals(48, info.height());
    try (VideoReader reader = VideoReader.open(file, 0)) {
      // Backward and forward jumps, short forward gaps, and a window that ends at the last frame.
      for (int start : new int[] {37, 5, 0, 50, 51, 20, 44, 13, 56}) {
        assertArrayEquals(range(start, 4), readIndices(reader, start, 4, frames), "start " + start);
      }
    }
  }

  @Test
  void windowPastTheEndRepeatsTheLastFrame() throws Exception {
    Path file =
        TestVideos.indexVideo(dir.resolve("s.avi"), VideoWriter.Format.MPEG4_AVI, 10, 32, 32);
    try (VideoReader reader = VideoReader.open(file, 0)) {
      int[] got = new int[6];
      int real = reader.read(7, 6, (o, bgr, w, h) -> got[o] = TestVideos.indexOf(bgr));
      assertEquals(3, real);
      assertArrayEquals(new int[] {7, 8, 9, 9, 9, 9}, got);
    }
  }

  @Test
  void shortSideResizeKeepsTheAspectRatio() throws Exception {
    Path file =
        TestVideos.indexVideo(dir.resolve("r.avi"), VideoWriter.Format.MPEG4_AVI, 4, 64, 48);
    try (VideoReader reader = VideoReader.open(file, 24)) {
      assertEquals(32, reader.width());
      assertEquals(24, reader.height());
      int[] size = new int[2];
      reader.read(
          2,
          1,
          (o, bgr, w, h) -> {
            size[0] = w;
            size[1] = h;
            assertEquals(w * h * 3, bgr.length);
          });
      assertArrayEquals(new int[] {32, 24}, size);
    }
  }

  @Test
  void emptyAndGarbageFilesAreRejectedWithAReason() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.avi"));
    BadVideoException e = assertThrows(BadVideoException.class, () -> VideoReader.probe(empty));
    assertEquals("zero-length file", e.reason());
    Path garbage = Files.write(dir.resolve("garbage.avi"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    e = assertThrows(BadVideoException.class, () -> VideoReader.probe(garbage));
    assertTrue(e.reason().startsWith("unreadable"), e.reason());
  }

  @Test
  void truncatedFileIsCaughtByTheProbe() throws Exception {
    Path file =
        TestVideos.indexVideo(dir.resolve("t.avi"), VideoWriter.Format.MPEG4_AVI, 40, 64, 48);
    Path cut = TestVideos.truncated(file, dir.resolve("cut.avi"), 0.75);
    VideoInfo info = VideoReader.probe(cut);
    assertTrue(info.truncated());
    assertEquals(40, info.headerFrames());
    assertTrue(info.frames() > 0 && info.frames() < 40, "frames " + info.frames());
    assertFalse(VideoReader.probe(file).truncated());
  }

  @Test
  void aFileWithOnlyAnAudioStreamIsRejectedNamingTheProblem() throws Exception {
    Path audio = TestVideos.audioOnly(dir.resolve("sound.avi"));
    assertTrue(Files.size(audio) > 8000, "the audio file was written");
    BadVideoException e = assertThrows(BadVideoException.class, () -> VideoReader.probe(audio));
    assertEquals("no video stream", e.reason());
    assertTrue(e.getMessage().contains("sound.avi"), e.getMessage());
  }
}
