package dev.fima.datasets.synth;

import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.FimaException;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import dev.fima.api.random.Seeds;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a motion-defined video dataset: every video shows randomly drawn objects over a randomly
 * textured background, and its class is only the way the objects move, so a classifier must see
 * motion to do better than chance.
 *
 * <p><b>Classes</b> ({@link MotionPattern}, the first {@code classes} are used): MoveUp, MoveDown,
 * Expand, Shrink, SwingHorizontal, SwingVertical, Spin, Orbit, Still, Pulse. None is the mirror
 * image of another under a horizontal flip, and the classes with a left/right sense pick it at
 * random per object, so the flips of pretraining never turn one class into another.
 *
 * <p><b>Appearance</b>, drawn per video from streams that do not depend on the class: background
 * colour and texture (flat, gradient, stripes, checker, blobs) with contrast {@code clutter};
 * {@code objects} moving objects and {@code distractors} static ones, each with a random shape
 * (square, disc, triangle, diamond, cross), texture (solid, stripes, checker, halves), colours
 * (kept apart from the background), aspect ratio, side in {@code [minObjectSize, maxObjectSize]} of
 * the short side, and position; per-frame Gaussian pixel {@code noise} and a random whole-frame
 * shift of {@code cameraJitter} pixels.
 *
 * <p><b>Knobs</b> ({@link SynthConfig}): {@code classes}, {@code videosPerClass}, {@code frames},
 * {@code width} x {@code height}, {@code fps}, {@code testFraction}, {@code seed}, and the
 * difficulty settings {@code minObjectSize}, {@code maxObjectSize}, {@code objects}, {@code
 * distractors}, {@code speed} (multiplies every rate; each video adds a factor in [0.75, 1.25]),
 * {@code clutter}, {@code noise}, {@code cameraJitter}, and {@code speedChange}, which makes each
 * video's rate of motion rise and fall over time (from a stream of its own, so the appearance and
 * the rest of the motion are the same videos' as without it).
 *
 * <p><b>Files</b>, in the UCF101 layout: {@code <output>/UCF-101/<Class>/v_<Class>_gNN_c01.avi}
 * (MPEG-4 in AVI at quantiser 2, a high quality), {@code <output>/ucfTrainTestlist/classInd.txt},
 * {@code trainlist01-03.txt} and {@code testlist01-03.txt}. Split {@code k} holds out a contiguous
 * run of {@code round(testFraction * videosPerClass)} videos of every class, starting a third of
 * the way further for each split. Every file is written to a temporary name and renamed, so an
 * interrupted run never leaves a half-written video under a real name.
 *
 * <p>The output is a pure function of the configuration: the same seed writes byte-identical files
 * (encoding is single-threaded), and videos are generated in parallel without changing that.
 */
public final class MotionVideoGenerator implements SyntheticVideoGenerator {

  @Override
  public Path generate(SynthConfig config) {
    MotionPattern[] all = MotionPattern.values();
    if (config.classes() > all.length) {
      throw new ConfigException(
          "classes", "at most " + all.length + " motion classes exist, got " + config.classes());
    }
    Path root = Path.of(config.output());
    Path videos = root.resolve("UCF-101");
    Path lists = root.resolve("ucfTrainTestlist");
    try {
      Files.createDirectories(videos);
      Files.createDirectories(lists);
      for (int k = 0; k < config.classes(); k++) {
        Files.createDirectories(videos.resolve(all[k].className()));
      }
    } catch (IOException e) {
      throw new DataException(root, "cannot create the dataset folders: " + e.getMessage(), e);
    }
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int k = 0; k < config.classes(); k++) {
        for (int i = 0; i < config.videosPerClass(); i++) {
          int classIndex = k;
          int video = i;
          futures.add(
              pool.submit(
                  () -> {
                    writeVideo(
                        config,
                        classIndex,
                        video,
                        videos.resolve(relative(all[classIndex], video)));
                    return null;
                  }));
        }
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FimaException("interrupted while generating videos", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new FimaException("video generation failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    writeLists(config, lists);
    return root;
  }

  /**
   * Returns the file of a video relative to the {@code UCF-101} folder.
   *
   * @param pattern its class
   * @param video its index within the class
   * @return {@code <Class>/v_<Class>_gNN_c01.avi}
   */
  static String relative(MotionPattern pattern, int video) {
    String c = pattern.className();
    return c + "/v_" + c + String.format("_g%02d_c01.avi", video + 1);
  }

  /**
   * Tells whether a video is in the test list of a split.
   *
   * @param config the dataset
   * @param split 1-3
   * @param video index within its class
   * @return true for a test video
   */
  static boolean isTest(SynthConfig config, int split, int video) {
    int n = config.videosPerClass();
    int tests = (int) Math.max(1, Math.min(n - 1, Math.round(config.testFraction() * n)));
    int offset = (split - 1) * n / 3;
    return Math.floorMod(video - offset, n) < tests;
  }

  private static void writeLists(SynthConfig config, Path lists) {
    MotionPattern[] all = MotionPattern.values();
    StringBuilder classInd = new StringBuilder();
    for (int k = 0; k < config.classes(); k++) {
      classInd.append(k + 1).append(' ').append(all[k].className()).append('\n');
    }
    writeText(lists.resolve("classInd.txt"), classInd.toString());
    for (int split = 1; split <= 3; split++) {
      StringBuilder train = new StringBuilder();
      StringBuilder test = new StringBuilder();
      for (int k = 0; k < config.classes(); k++) {
        for (int i = 0; i < config.videosPerClass(); i++) {
          String rel = relative(all[k], i);
          if (isTest(config, split, i)) {
            test.append(rel).append('\n');
          } else {
            train.append(rel).append(' ').append(k + 1).append('\n');
          }
        }
      }
      writeText(lists.resolve("trainlist0" + split + ".txt"), train.toString());
      writeText(lists.resolve("testlist0" + split + ".txt"), test.toString());
    }
  }

  private static void writeText(Path file, String text) {
    try {
      AtomicFiles.writeString(file, text);
    } catch (IOException e) {
      throw new DataException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  /** Renders and encodes one video, then renames it into place. */
  private static void writeVideo(SynthConfig config, int classIndex, int video, Path file) {
    MotionPattern pattern = MotionPattern.values()[classIndex];
    int w = config.width();
    int h = config.height();
    int frames = config.frames();
    double shortSide = Math.min(w, h);
    // Appearance and motion come from separate streams; the appearance stream is drawn in the
    // same way for every class, so nothing about the look depends on the label.
    SplittableRandom looks = Seeds.random(config.seed(), 1, classIndex, video);
    SplittableRandom moves = Seeds.random(config.seed(), 2, classIndex, video);
    SplittableRandom noise = Seeds.random(config.seed(), 3, classIndex, video);
    double[] clock =
        MotionPattern.changingClock(
            frames, config.speedChange(), Seeds.random(config.seed(), 4, classIndex, video));
    int margin = (int) Math.ceil(3 * config.cameraJitter());
    Scene scene = new Scene(w, h, margin, config.clutter(), looks);
    List<Appearance> appearances = new ArrayList<>();
    List<MotionPattern.Pose[]> paths = new ArrayList<>();
    double speed = config.speed() * (0.75 + 0.5 * moves.nextDouble());
    for (int d = 0; d < config.distractors() + config.objects(); d++) {
      appearances.add(Appearance.draw(looks, scene.meanColour()));
      double side =
          shortSide
              * (config.minObjectSize()
                  + (config.maxObjectSize() - config.minObjectSize()) * looks.nextDouble());
      boolean moving = d >= config.distractors();
      paths.add(
          (moving ? pattern : MotionPattern.STILL)
              .trajectory(w, h, frames, side, speed, moves, clock));
    }
    float[] rgb = new float[w * h * 3];
    byte[] bgr = new byte[w * h * 3];
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (VideoWriter writer =
        new VideoWriter(tmp, VideoWriter.Format.MPEG4_AVI, w, h, config.fps(), 2)) {
      List<MotionPattern.Pose> poses = new ArrayList<>();
      for (int t = 0; t < frames; t++) {
        poses.clear();
        for (MotionPattern.Pose[] p : paths) {
          poses.add(p[t]);
        }
        int dx = (int) Math.round(config.cameraJitter() * noise.nextGaussian());
        int dy = (int) Math.round(config.cameraJitter() * noise.nextGaussian());
        scene.render(appearances, poses, dx, dy, rgb);
        for (int p = 0; p < w * h; p++) {
          for (int c = 0; c < 3; c++) {
            double v = rgb[p * 3 + c];
            if (config.noise() > 0) {
              v += config.noise() * noise.nextGaussian();
            }
            bgr[p * 3 + 2 - c] = (byte) Math.max(0, Math.min(255, Math.round(v * 255)));
          }
        }
        writer.write(bgr);
      }
      writer.finish();
    } catch (BadVideoException e) {
      throw new DataException(file, e.reason(), e);
    }
    try {
      AtomicFiles.replace(tmp, file);
    } catch (IOException e) {
      throw new DataException(
          file, "cannot move the written video into place: " + e.getMessage(), e);
    }
  }
}
