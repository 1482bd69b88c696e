package dev.fima.datasets.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.ConfigException;
import dev.fima.api.config.ConfigBuilder;
import dev.fima.api.config.PrepareConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.config.VideoCodec;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.data.Split;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.jobs.PrepareResult;
import dev.fima.datasets.TestVideos;
import dev.fima.datasets.readers.DatasetListing;
import dev.fima.datasets.readers.Ucf101;
import dev.fima.datasets.synth.MotionVideoGenerator;
import dev.fima.datasets.video.FfmpegSetup;
import dev.fima.datasets.video.VideoInfo;
import dev.fima.datasets.video.VideoReader;
import dev.fima.datasets.video.VideoWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDatasetPreparerTest {

  @TempDir Path dir;

  /** 2 classes x 3 generated videos of 20 frames at 48x32, UCF101 layout with split files. */
  private Path dataset() {
    return new MotionVideoGenerator()
        .generate(
            ConfigBuilder.of(SynthConfig.defaults())
                .set(SynthConfig::output, dir.resolve("in").toString())
                .set(SynthConfig::classes, 2)
                .set(SynthConfig::videosPerClass, 3)
                .set(SynthConfig::frames, 20)
                .set(SynthConfig::width, 48)
                .set(SynthConfig::height, 32)
                .set(SynthConfig::fps, 25)
                .set(SynthConfig::testFraction, 0.34)
                .set(SynthConfig::seed, 3L)
                .set(SynthConfig::objects, 1)
                .set(SynthConfig::distractors, 0)
                .set(SynthConfig::speed, 1.0)
                .set(SynthConfig::clutter, 0.3)
                .set(SynthConfig::noise, 0.0)
                .set(SynthConfig::cameraJitter, 0.0)
                .build());
  }

  private static PrepareConfig config(Path in, Path out, int shortSide) {
    return new PrepareConfig(in.toString(), out.toString(), shortSide, 4, VideoCodec.MPEG4, 3, 2);
  }

  private static List<Path> videos(DatasetListing listing) {
    return Stream.concat(listing.videos(Split.TRAIN).stream(), listing.videos(Split.TEST).stream())
        .map(VideoEntry::path)
        .toList();
  }

  /** The largest number of packets from one key frame to the next. */
  private static int longestKeyFrameInterval(Path video) throws Exception {
    FfmpegSetup.ensure();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
      grabber.start();
      int longest = 0;
      int run = 0;
      AVPacket packet;
      while ((packet = grabber.grabPacket()) != null) {
        if (packet.stream_index() == grabber.getVideoStream() && packet.size() > 0) {
          run = (packet.flags() & avcodec.AV_PKT_FLAG_KEY) != 0 ? 1 : run + 1;
          longest = Math.max(longest, run);
        }
        avcodec.av_packet_unref(packet);
      }
      grabber.stop();
      return longest;
    }
  }

  @Test
  void theReaderAcceptsTheOutputWithEveryFrameRescaledInOrder() throws Exception {
    Path in = dataset();
    DatasetListing source = Ucf101.builder().setRoot(in).build().listing();
    List<Path> sources = videos(source);
    assertEquals(6, sources.size());
    // One long-GOP video with B-frames whose frames tell their index, and one cut short.
    Path longGop = sources.get(0);
    TestVideos.indexVideo(
        longGop,
        VideoWriter.Format.MPEG4_AVI,
        VideoWriter.Encoding.of(25, 2).withKeyFrameInterval(1000).withBFrames(2),
        40,
        64,
        48,
        null);
    Path cut = sources.get(1);
    Path whole = TestVideos.avi(dir.resolve("whole.avi"), 40);
    TestVideos.truncated(whole, cut, 0.75);
    VideoInfo cutInfo = VideoReader.probe(cut);
    Path out = dir.resolve("out");

    PrepareResult result = new VideoDatasetPreparer().prepare(config(in, out, 32), null);

    assertEquals(5, result.converted());
    assertEquals(0, result.alreadyDone());
    assertEquals(
        List.of(
            new QuarantineEntry(
                cut,
                "truncated: " + cutInfo.frames() + " of the 40 frames its header lists decode")),
        result.failed());
    assertTrue(Files.readString(result.report()).contains(cut.toString()));
    // Same layout, names and split files: the reader lists the same videos, the cut one missing.
    DatasetListing prepared = Ucf101.builder().setRoot(out).build().listing();
    assertEquals(source.classNames(), prepared.classNames());
    Path relativeCut = in.resolve("UCF-101").relativize(cut);
    assertEquals(List.of(relativeCut.toString().replace('\\', '/')), prepared.report().missing());
    for (Path src : sources) {
      if (src.equals(cut)) {
        assertFalse(Files.exists(out.resolve(in.relativize(src))));
        continue;
      }
      Path dst = out.resolve(in.relativize(src));
      VideoInfo a = VideoReader.probe(src);
      VideoInfo b = VideoReader.probe(dst);
      assertEquals(a.frames(), b.frames(), dst.toString());
      assertEquals(32, Math.min(b.width(), b.height()), dst.toString());
      assertTrue(longestKeyFrameInterval(dst) <= 4, dst + " key-frame interval");
    }
    Path longOut = out.resolve(in.relativize(longGop));
    VideoInfo info = VideoReader.probe(longOut);
    assertEquals(42, info.width(), "64x48 at short side 32 is 42.7 wide, rounded to even");
    try (VideoReader reader = VideoReader.open(longOut, info, 0)) {
      int[] got = new int[40];
      reader.read(0, 40, (o, bgr, w, h) -> got[o] = TestVideos.indexOf(bgr));
      for (int t = 0; t < 40; t++) {
        assertEquals(t, got[t], "frame " + t);
      }
    }
  }

  @Test
  void aRerunSkipsFinishedFilesAndNeverCountsAHalfWrittenOne() throws Exception {
    Path in = dataset();
    Path out = dir.resolve("out");
    VideoDatasetPreparer preparer = new VideoDatasetPreparer();
    assertEquals(6, preparer.prepare(config(in, out, 32), null).converted());
    List<Path> outputs;
    try (Stream<Path> s = Files.walk(out.resolve("UCF-101"))) {
      outputs = s.filter(p -> p.toString().endsWith(".avi")).sorted().toList();
    }
    assertEquals(6, outputs.size());
    // An interrupted run: one output never renamed into place, its half-written part left over.
    Path lost = outputs.get(2);
    Files.delete(lost);
    Path part = lost.resolveSibling("." + lost.getFileName() + VideoDatasetPreparer.PART_SUFFIX);
    Files.write(part, new byte[] {1, 2, 3});
    FileTime kept = Files.getLastModifiedTime(outputs.get(0));

    PrepareResult again = preparer.prepare(config(in, out, 32), null);

    assertEquals(1, again.converted());
    assertEquals(5, again.alreadyDone());
    assertEquals(0, again.copied(), "the split files were there already");
    assertTrue(Files.isRegularFile(lost));
    assertFalse(Files.exists(part));
    assertEquals(kept, Files.getLastModifiedTime(outputs.get(0)), "a finished file is left alone");
    assertEquals(
        VideoReader.probe(in.resolve(out.relativize(lost))).frames(),
        VideoReader.probe(lost).frames());
  }

  @Test
  void otherSettingsOrAForeignFolderAreRefusedNamingTheField() throws Exception {
    Path in = dataset();
    Path out = dir.resolve("out");
    new VideoDatasetPreparer().prepare(config(in, out, 32), null);
    ConfigException other =
        assertThrows(
            ConfigException.class,
            () -> new VideoDatasetPreparer().prepare(config(in, out, 64), null));
    assertTrue(other.getMessage().startsWith("shortSide: "), other.getMessage());
    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    Files.writeString(foreign.resolve("mine.txt"), "keep me");
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> new VideoDatasetPreparer().prepare(config(in, foreign, 32), null));
    assertTrue(refused.getMessage().startsWith("output: "), refused.getMessage());
    assertEquals("keep me", Files.readString(foreign.resolve("mine.txt")));
    assertThrows(
        ConfigException.class,
        () -> new VideoDatasetPreparer().prepare(config(in, in.resolve("inside"), 32), null));
  }
}
