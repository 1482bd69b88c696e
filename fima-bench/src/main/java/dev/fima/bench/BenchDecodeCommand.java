package dev.fima.bench;

import dev.fima.api.config.Configs;
import dev.fima.api.config.PrepareConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.synth.MotionVideoGenerator;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoInfo;
import dev.fima.datasets.video.VideoReader;
import dev.fima.datasets.video.VideoTranscoder;
import dev.fima.datasets.video.VideoWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fima bench decode}: the decode throughput of FIMA-J's reader against FFmpeg's own program
 * on the same files, and the decode cost of one pretraining sample from a long-GOP file before and
 * after {@code fima prepare}.
 *
 * <p>Throughput: after one uncounted warm-up pass, in alternating rounds (the order swaps every
 * round), FIMA-J decodes every frame of every file to BGR with one {@link VideoReader} per file,
 * and {@code ffmpeg -benchmark -threads 1 -i FILE -map 0:v:0 -fps_mode passthrough -pix_fmt bgr24
 * -f null -} does the same work (the program inside JavaCV's FFmpeg jar, so both use the same
 * libraries); FFmpeg's time is its own {@code rtime}, without the process start. The median of the
 * rounds' frames per second and their ratio are printed, and each file's frame count by both, which
 * must agree.
 *
 * <p>Per sample: two random windows of {@code --window} frames, each decoded from a fresh reader as
 * the pretraining loader does, on the long-GOP file as it is and after converting it with the
 * defaults of {@code fima prepare}.
 */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description =
        "Decode throughput of FIMA-J against ffmpeg -benchmark on the same files, and the"
            + " per-sample decode cost of a long-GOP file before and after fima prepare.")
final class BenchDecodeCommand implements Callable<Integer> {

  private static final Pattern RTIME = Pattern.compile("rtime=([0-9.]+)s");
  private static final Pattern FRAMES = Pattern.compile("frame=\\s*([0-9]+)");

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "VIDEO",
      arity = "0..*",
      description =
          "Video files or folders (searched for videos); default: generate 320x240 MPEG-4 AVIs.")
  List<Path> inputs = new ArrayList<>();

  @Option(
      names = "--long-gop",
      paramLabel = "FILE",
      description =
          "Long-GOP video for the per-sample cost; default: generate a 640x480 H.264 MP4 with one"
              + " key frame.")
  Path longGop;

  @Option(names = "--rounds", paramLabel = "N", description = "Alternating rounds (default 5).")
  int rounds = 5;

  @Option(
      names = "--samples",
      paramLabel = "N",
      description = "Pretraining samples timed per file (default 20).")
  int samples = 20;

  @Option(
      names = "--window",
      paramLabel = "F",
      description = "Frames per window, frames x stride of a clip (default 32).")
  int window = 32;

  @Option(
      names = "--videos",
      paramLabel = "N",
      description = "Generated videos without VIDEO arguments (default 4).")
  int videos = 4;

  @Option(
      names = "--video-frames",
      paramLabel = "N",
      description = "Frames per generated video (default 150).")
  int videoFrames = 150;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path temp = Files.createTempDirectory("fima-bench-decode");
    try {
      List<Path> files = inputs.isEmpty() ? generate(temp.resolve("videos")) : collect(inputs);
      if (files.isEmpty()) {
        throw new dev.fima.api.DataException(inputs.get(0), "holds no video file");
      }
      List<VideoInfo> infos = new ArrayList<>();
      long totalFrames = 0;
      for (Path f : files) {
        VideoInfo info = VideoReader.probe(f);
        infos.add(info);
        totalFrames += info.frames();
      }
      out.printf("%d files, %d frames (indexed by a full decode)%n", files.size(), totalFrames);
      out.flush();
      throughput(out, files, infos, totalFrames);
      Path gop = longGop != null ? longGop : generateLongGop(temp.resolve("long-gop.mp4"));
      perSample(out, gop, temp.resolve("prepared"));
      return 0;
    } finally {
      deleteTree(temp);
    }
  }

  private void throughput(PrintWriter out, List<Path> files, List<VideoInfo> infos, long frames)
      throws Exception {
    String ffmpeg = ffmpegProgram(out);
    // One uncounted pass, so that the JIT compiles the reader before the first timed round.
    decodeAll(files, infos);
    double[] ours = new double[rounds];
    double[] theirs = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      boolean oursFirst = r % 2 == 0;
      if (oursFirst) {
        ours[r] = frames / decodeAll(files, infos);
      }
      if (ffmpeg != null) {
        theirs[r] = frames / ffmpegAll(ffmpeg, files, infos, out, r == 0);
      }
      if (!oursFirst) {
        ours[r] = frames / decodeAll(files, infos);
      }
      out.printf(
          Locale.ROOT,
          "round %d: fima-j %.0f frames/s%s%n",
          r + 1,
          ours[r],
          ffmpeg == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  ", ffmpeg %.0f frames/s, ratio %.2f",
                  theirs[r],
                  ours[r] / theirs[r]));
      out.flush();
    }
    double mo = Medians.of(ours);
    if (ffmpeg == null) {
      out.printf(Locale.ROOT, "median: fima-j %.0f frames/s (ffmpeg not run)%n", mo);
    } else {
      double mt = Medians.of(theirs);
      out.printf(
          Locale.ROOT,
          "median of %d rounds: fima-j %.0f frames/s, ffmpeg %.0f frames/s, ratio fima-j/ffmpeg"
              + " %.2f%n",
          rounds,
          mo,
          mt,
          mo / mt);
    }
    out.flush();
  }

  /** Seconds for FIMA-J to decode every frame of every file to BGR. */
  private static double decodeAll(List<Path> files, List<VideoInfo> infos)
      throws BadVideoException {
    long t0 = System.nanoTime();
    for (int i = 0; i < files.size(); i++) {
      try (VideoReader reader = VideoReader.open(files.get(i), infos.get(i), 0)) {
        reader.read(0, infos.get(i).frames(), (o, bgr, w, h) -> {});
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Seconds FFmpeg reports ({@code rtime}) for the same work, summed over the files. */
  private static double ffmpegAll(
      String ffmpeg, List<Path> files, List<VideoInfo> infos, PrintWriter out, boolean check)
      throws Exception {
    double seconds = 0;
    for (int i = 0; i < files.size(); i++) {
      String log = run(ffmpeg, files.get(i));
      Matcher rtime = RTIME.matcher(log);
      if (!rtime.find()) {
        throw new IllegalStateException("ffmpeg printed no benchmark line:\n" + log);
      }
      seconds += Double.parseDouble(rtime.group(1));
      if (check) {
        Matcher m = FRAMES.matcher(log);
        int counted = -1;
        while (m.find()) {
          counted = Integer.parseInt(m.group(1));
        }
        out.printf(
            "  %s: %d frames by fima-j, %d by ffmpeg%s%n",
            files.get(i).getFileName(),
            infos.get(i).frames(),
            counted,
            counted == infos.get(i).frames() ? "" : "  (DIFFERENT)");
      }
    }
    return seconds;
  }

  private static String run(String ffmpeg, Path file) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-benchmark",
            "-threads",
            "1",
            "-i",
            file.toString(),
            "-map",
            "0:v:0",
            "-fps_mode",
            "passthrough",
            "-pix_fmt",
            "bgr24",
            "-f",
            "null",
            "-");
    // The program finds its libraries (libva and others) beside it.
    pb.environment().put("LD_LIBRARY_PATH", Path.of(ffmpeg).getParent().toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("ffmpeg failed on " + file + ":\n" + log);
    }
    return log;
  }

  /**
   * The ffmpeg program in JavaCV's FFmpeg jar, or {@code null} (with the reason) if it cannot run.
   */
  private static String ffmpegProgram(PrintWriter out) {
    try {
      String path = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
      ProcessBuilder pb = new ProcessBuilder(path, "-hide_banner", "-version");
      pb.environment().put("LD_LIBRARY_PATH", Path.of(path).getParent().toString());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        out.println("ffmpeg: not run, the program in JavaCV's jar cannot start here: " + text);
        return null;
      }
      return path;
    } catch (IOException | InterruptedException | UnsatisfiedLinkError e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      out.println(
          "ffmpeg: not run, the program in JavaCV's jar cannot be loaded here ("
              + e.getMessage()
              + "); on Debian it needs the package libpulse0");
      return null;
    }
  }

  private void perSample(PrintWriter out, Path gop, Path folder) throws Exception {
    String name = gop.getFileName().toString();
    String extension = name.substring(name.lastIndexOf('.') + 1);
    PrepareConfig prepare = PrepareConfig.defaults();
    Files.createDirectories(folder);
    Path prepared = folder.resolve(name);
    VideoTranscoder.transcode(
        gop,
        prepared,
        extension,
        prepare.codec(),
        prepare.shortSide(),
        prepare.keyFrameInterval(),
        prepare.quality());
    VideoInfo before = VideoReader.probe(gop);
    VideoInfo after = VideoReader.probe(prepared);
    double msBefore = sampleMillis(gop, before);
    double msAfter = sampleMillis(prepared, after);
    out.printf(
        Locale.ROOT,
        "decode per pretraining sample (2 windows of %d frames, %d samples) of %s: %.1f ms at"
            + " %dx%d as it is, %.1f ms at %dx%d after fima prepare (short side %d, a key frame"
            + " every %d frames)%n",
        window,
        samples,
        name,
        msBefore,
        before.width(),
        before.height(),
        msAfter,
        after.width(),
        after.height(),
        prepare.shortSide(),
        prepare.keyFrameInterval());
    out.flush();
  }

  /** Mean milliseconds to decode the two random windows of one pretraining sample. */
  private double sampleMillis(Path file, VideoInfo info) throws BadVideoException {
    SplittableRandom random = new SplittableRandom(17);
    int windows = Math.max(1, info.frames() - window + 1);
    long t0 = System.nanoTime();
    for (int s = 0; s < samples; s++) {
      int[] starts = {random.nextInt(windows), random.nextInt(windows)};
      Arrays.sort(starts);
      try (VideoReader reader = VideoReader.open(file, info, 0)) {
        for (int start : starts) {
          reader.read(start, window, (o, bgr, w, h) -> {});
        }
      }
    }
    return (System.nanoTime() - t0) / 1e6 / samples;
  }

  private List<Path> generate(Path folder) {
    List<Path> all = synth(folder, Math.max(2, (videos + 1) / 2), 320, 240);
    return all.subList(0, Math.min(videos, all.size()));
  }

  /** Writes 2 classes of generated motion videos and returns their files. */
  private List<Path> synth(Path folder, int perClass, int width, int height) {
    SynthConfig synth =
        Configs.load(
            SynthConfig.defaults(),
            null,
            List.of(
                "output=" + folder,
                "classes=2",
                "videosPerClass=" + perClass,
                "frames=" + videoFrames,
                "width=" + width,
                "height=" + height));
    return collect(List.of(new MotionVideoGenerator().generate(synth)));
  }

  /** Re-encodes a generated video as H.264 with a single key frame, like a camera's recording. */
  private Path generateLongGop(Path target) throws Exception {
    Path first = synth(target.resolveSibling("long-gop-source"), 2, 640, 480).get(0);
    VideoInfo info = VideoReader.probe(first);
    VideoWriter.Encoding encoding =
        VideoWriter.Encoding.of(25, 2).withKeyFrameInterval(100_000).withBitrate(2_000_000);
    try (VideoReader reader = VideoReader.open(first, info, 0);
        VideoWriter writer =
            new VideoWriter(
                target, VideoWriter.Format.H264_MP4, info.width(), info.height(), encoding)) {
      BadVideoException[] failure = new BadVideoException[1];
      reader.read(
          0,
          info.frames(),
          (o, bgr, w, h) -> {
            try {
              writer.write(bgr);
            } catch (BadVideoException e) {
              failure[0] = e;
            }
          });
      if (failure[0] != null) {
        throw failure[0];
      }
      writer.finish();
    }
    return target;
  }

  private static List<Path> collect(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile).filter(Readers::isVideo).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new dev.fima.api.DataException(p, "cannot list: " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new dev.fima.api.DataException(p, "no such file or folder");
      }
    }
    return files;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
