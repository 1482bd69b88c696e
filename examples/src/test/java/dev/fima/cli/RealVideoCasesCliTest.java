package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fima.datasets.video.VideoInfo;
import dev.fima.datasets.video.VideoReader;
import dev.fima.datasets.video.VideoWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UCF101 reader and a linear probe over the kinds of files that real datasets hold and that
 * placing frames by {@code pts x average fps} got wrong (B-frames, a late first timestamp, a
 * variable frame rate, a single key frame), beside a truncated, an empty and a garbage file: no
 * healthy file is skipped, and each skipped one is named with its reason on the console and in the
 * report.
 */
class RealVideoCasesCliTest {

  @TempDir Path dir;

  /** Re-encodes a generated video, frame for frame, with another encoding. */
  private static void reencode(
      Path video, VideoWriter.Format format, VideoWriter.Encoding encoding, boolean irregular)
      throws Exception {
    VideoInfo info = VideoReader.probe(video);
    List<byte[]> frames = new ArrayList<>();
    int[] size = new int[2];
    try (VideoReader reader = VideoReader.open(video, info, 0)) {
      reader.read(
          0,
          info.frames(),
          (o, bgr, w, h) -> {
            frames.add(bgr.clone());
            size[0] = w;
            size[1] = h;
          });
    }
    Path tmp = video.resolveSibling("tmp-" + video.getFileName());
    try (VideoWriter writer = new VideoWriter(tmp, format, size[0], size[1], encoding)) {
      long t = irregular ? 3 : 0;
      for (int i = 0; i < frames.size(); i++) {
        writer.write(frames.get(i), t);
        t += irregular && i % 3 == 0 ? 2 : 1;
      }
      writer.finish();
    }
    Files.move(tmp, video, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<Path> videos(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root.resolve("UCF-101"))) {
      return s.filter(p -> p.toString().endsWith(".avi")).sorted().toList();
    }
  }

  private static boolean isTest(Path root, Path video) throws Exception {
    String name = video.getFileName().toString();
    return Files.readString(root.resolve("ucfTrainTestlist/testlist01.txt")).contains(name);
  }

  @Test
  void noHealthyFileIsSkippedAndEverySkippedOneIsNamedWithItsReason() throws Exception {
    Path root = TinyRuns.generate(dir.resolve("ucf"), "frames=24");
    List<Path> train = new ArrayList<>();
    List<Path> test = new ArrayList<>();
    for (Path v : videos(root)) {
      (isTest(root, v) ? test : train).add(v);
    }
    assertEquals(12, train.size());
    assertEquals(4, test.size());
    VideoWriter.Encoding at25 = VideoWriter.Encoding.of(25, 3);
    // The healthy real-world cases, spread over both parts of the split.
    List<Path> tricky = new ArrayList<>(train.subList(0, 6));
    tricky.addAll(test.subList(0, 2));
    for (int i = 0; i < tricky.size(); i++) {
      switch (i % 4) {
        case 0 -> reencode(tricky.get(i), VideoWriter.Format.MPEG4_AVI, at25.withBFrames(2), false);
        case 1 ->
            reencode(
                tricky.get(i),
                VideoWriter.Format.MPEG4_AVI,
                at25.withKeyFrameInterval(1000).withBFrames(1),
                false);
        case 2 -> reencode(tricky.get(i), VideoWriter.Format.MPEG4_AVI, at25, true);
        default -> reencode(tricky.get(i), VideoWriter.Format.MPEG4_MP4, at25.withBFrames(3), true);
      }
    }
    // A download cut short (training), an empty and a garbage file (test).
    Path cut = train.get(11);
    byte[] whole = Files.readAllBytes(cut);
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 3 / 4));
    VideoInfo cutInfo = VideoReader.probe(cut);
    assertTrue(cutInfo.truncated(), "the cut file is recognised as truncated");
    Path empty = test.get(2);
    Files.write(empty, new byte[0]);
    Path garbage = test.get(3);
    Files.write(garbage, "RIFF0000AVI LIST garbage, not a video".getBytes());

    Path out = dir.resolve("probe");
    List<String> args =
        new ArrayList<>(
            List.of(
                "linear-probe",
                "--backbone",
                "random:r3d-tiny?width=0.5",
                "--data",
                root.toString(),
                "-o",
                out.toString(),
                "--seed",
                "4"));
    args.addAll(
        CliRun.sets(
            List.of(
                "data.workers=1",
                "clip.frames=8",
                "clip.stride=2",
                "clip.crop=32",
                "trainClips=1",
                "testClips=2",
                "valFraction=0.25",
                "lrGrid=[0.1]",
                "weightDecayGrid=[0.0]",
                "epochs=2",
                "run.threads=1")));
    Path logs = dir.resolve("logs");
    Process child = TinyRuns.start(args, logs);
    assertTrue(child.waitFor(300, TimeUnit.SECONDS), "the probe did not end");
    String err = Files.readString(logs.resolve("stderr.txt"));
    String stdout = Files.readString(logs.resolve("stdout.txt"));
    assertEquals(0, child.exitValue(), err + stdout);

    JsonNode metrics = new ObjectMapper().readTree(out.resolve("linear-probe.json").toFile());
    metrics = metrics.get("metrics");
    assertEquals(1, metrics.get("skippedTrainVideos").asInt(), stdout);
    assertEquals(2, metrics.get("skippedTestVideos").asInt(), stdout);
    String md = Files.readString(out.resolve("linear-probe.md"));
    String cutReason =
        cut + ": truncated: " + cutInfo.frames() + " of the 24 frames its header lists decode";
    String emptyReason = empty + ": zero-length file";
    String garbagePrefix = garbage + ": unreadable: ";
    for (String text : List.of(err, md)) {
      assertTrue(text.contains(cutReason), text);
      assertTrue(text.contains(emptyReason), text);
      assertTrue(text.contains(garbagePrefix), text);
    }
    assertTrue(stdout.contains("skippedTrainVideos"), stdout);
    for (Path healthy : tricky) {
      assertFalse(err.contains(healthy.toString()), healthy + " was reported: " + err);
      assertFalse(md.contains(healthy.toString()), healthy + " is in the report");
    }
  }
}
