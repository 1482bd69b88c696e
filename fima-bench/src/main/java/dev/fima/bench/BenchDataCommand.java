package dev.fima.bench;

import ai.djl.ndarray.NDManager;
import dev.fima.api.config.AugmentConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DatasetKind;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.data.FimaInputs;
import dev.fima.api.data.LabeledBatch;
import dev.fima.api.data.LoaderStats;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.Split;
import dev.fima.api.data.VideoEntry;
import dev.fima.api.random.Seeds;
import dev.fima.datasets.augment.CropResizer;
import dev.fima.datasets.augment.DevicePretrainAugmenter;
import dev.fima.datasets.augment.RandomResizedCrop;
import dev.fima.datasets.index.ClipIndex;
import dev.fima.datasets.loader.PretrainLoader;
import dev.fima.datasets.loader.SupervisedTrainLoader;
import dev.fima.datasets.readers.Readers;
import dev.fima.datasets.readers.VideoDataset;
import dev.fima.datasets.synth.MotionVideoGenerator;
import dev.fima.datasets.video.VideoReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fima bench data}: data pipeline throughput. Without {@code --data} it writes its own
 * 320x240 MPEG-4 AVIs (the UCF101 format) into a temporary folder. It then measures pretraining
 * samples per second (each sample = two windows, each giving a strided global clip and its local
 * clips, section 1.1) and single supervised clips per second through the parallel loaders, and
 * profiles one thread to show where the time goes: decoding, crop and resize, batch copies.
 */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Pretraining samples/s and single clips/s of the data pipeline.")
final class BenchDataCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Dataset root to read; default: generate 320x240 mpeg4 AVIs in a temp folder.")
  Path data;

  @Option(
      names = "--dataset",
      paramLabel = "KIND",
      description = "Layout of --data: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  DatasetKind dataset = DatasetKind.UCF101;

  @Option(names = "--workers", paramLabel = "N", description = "Loader threads (default 2).")
  int workers = 2;

  @Option(names = "--batch", paramLabel = "B", description = "Samples per batch (default 8).")
  int batch = 8;

  @Option(
      names = "--batches",
      paramLabel = "N",
      description = "Batches timed per measurement, after one warm-up batch (default 12).")
  int batches = 12;

  @Option(names = "--videos", paramLabel = "N", description = "Generated videos (default 48).")
  int videos = 48;

  @Option(
      names = "--size",
      paramLabel = "WxH",
      description = "Generated frame size (default 320x240).")
  String size = "320x240";

  @Option(
      names = "--video-frames",
      paramLabel = "N",
      description = "Frames per generated video (default 100, 4 s at 25 fps).")
  int videoFrames = 100;

  @Option(
      names = "--clip",
      paramLabel = "TxS",
      description = "Clip frames x crop side (default 16x112; stride 2, 2 local clips).")
  String clip = "16x112";

  @Option(
      names = "--short-side",
      paramLabel = "PX",
      description = "Let FFmpeg resize frames to this short side first (default 0: no resize).")
  int shortSide;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String[] ts = clip.split("x");
    ClipConfig clipConfig = new ClipConfig(Integer.parseInt(ts[0]), 2, Integer.parseInt(ts[1]), 2);
    Path temp = null;
    Path root = data;
    try {
      if (root == null) {
        temp = Files.createTempDirectory("fima-bench-data");
        String[] wh = size.split("x");
        int perClass = Math.max(2, (videos + 3) / 4);
        SynthConfig synth =
            Configs.load(
                SynthConfig.defaults(),
                null,
                List.of(
                    "output=" + temp,
                    "classes=4",
                    "videosPerClass=" + perClass,
                    "frames=" + videoFrames,
                    "width=" + wh[0],
                    "height=" + wh[1]));
        long t0 = System.nanoTime();
        root = new MotionVideoGenerator().generate(synth);
        out.printf(
            "generated %d videos of %d frames at %s (mpeg4 AVI) in %.1f s%n",
            4 * perClass, videoFrames, size, (System.nanoTime() - t0) / 1e9);
        out.flush();
      }
      DataConfig dataConfig =
          new DataConfig(dataset, root.toString(), 1, workers, 4, shortSide, false);
      VideoDataset ds = Readers.builtIn().open(dataConfig, Split.TRAIN, clipConfig);
      ds.prepare(null);
      ClipIndex index = ds.index();
      List<VideoEntry> entries = ds.videos();
      out.printf(
          "%d videos (%d quarantined), clips %dx%dx%d, stride %d, %d loader threads, batch %d%n",
          index.size(),
          index.quarantine().size(),
          clipConfig.frames(),
          clipConfig.crop(),
          clipConfig.crop(),
          clipConfig.stride(),
          workers,
          batch);
      AugmentConfig augment = AugmentConfig.defaults();
      double samples;
      try (PretrainLoader loader =
          new PretrainLoader(index, clipConfig, augment, batch, workers, 4, shortSide, 1)) {
        samples = rate(loader.batchesPerEpoch(), (m, e) -> loader.epoch(m, e, 0), loader::stats);
      }
      int perSample = 2 * (1 + clipConfig.localClips());
      out.printf(
          "pretraining samples/s: %.1f (%d clips per sample, goal >= 25 with 2 threads)%n",
          samples, perSample);
      out.flush();
      augmentation(out, index, clipConfig, augment);
      double clips;
      try (SupervisedTrainLoader loader =
          new SupervisedTrainLoader(
              entries, index, clipConfig, augment, batch, workers, 4, shortSide, 1)) {
        clips = rate(loader.batchesPerEpoch(), (m, e) -> loader.epoch(m, e, 0), loader::stats);
      }
      out.printf("single clips/s: %.1f%n", clips);
      out.flush();
      profile(out, index, clipConfig);
      return 0;
    } finally {
      if (temp != null) {
        deleteTree(temp);
      }
    }
  }

  /** Opens one epoch's iterator on a manager. */
  private interface Epochs<T> {
    Iterator<T> open(NDManager manager, int epoch);
  }

  /** Samples per second over {@code batches} batches after one warm-up batch. */
  private <T> double rate(
      int perEpoch, Epochs<T> epochs, java.util.function.Supplier<LoaderStats> stats) {
    try (NDManager manager = NDManager.newBaseManager()) {
      int epoch = 0;
      Iterator<T> it = epochs.open(manager, epoch);
      long start = 0;
      long counted = 0;
      for (int b = 0; b <= batches; b++) {
        if (!it.hasNext()) {
          it = epochs.open(manager, ++epoch);
        }
        try (NDManager step = manager.newSubManager()) {
          T batchItem = it.next();
          if (batchItem instanceof PretrainBatch p) {
            p.arrays().attach(step);
            counted += b == 0 ? 0 : p.size();
          } else if (batchItem instanceof LabeledBatch l) {
            l.clips().attach(step);
            l.labels().attach(step);
            counted += b == 0 ? 0 : l.size();
          }
        }
        if (b == 0) {
          start = System.nanoTime();
        }
      }
      return counted / ((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Times the device-side pretraining augmentation (frame differences and colour augmentation of
   * the eight tensors) of one loaded batch on the default device, median of three after a warm-up.
   */
  private void augmentation(
      PrintWriter out, ClipIndex index, ClipConfig clipConfig, AugmentConfig augment) {
    DevicePretrainAugmenter augmenter = new DevicePretrainAugmenter(augment);
    try (PretrainLoader loader =
            new PretrainLoader(index, clipConfig, augment, batch, workers, 1, shortSide, 2);
        NDManager manager = NDManager.newBaseManager()) {
      PretrainBatch loaded = loader.epoch(manager, 0, 0).next();
      long[] times = new long[4];
      for (int i = 0; i < times.length; i++) {
        try (NDManager step = manager.newSubManager()) {
          long t0 = System.nanoTime();
          FimaInputs in = augmenter.augment(loaded, i, true);
          times[i] = System.nanoTime() - t0;
          in.arrays().attach(step);
        }
      }
      long[] timed = java.util.Arrays.copyOfRange(times, 1, times.length);
      java.util.Arrays.sort(timed);
      out.printf(
          "device augmentation of a pretraining batch (8 tensors, %s, libtorch threads %s):"
              + " %.0f ms%n",
          manager.getDevice(),
          System.getProperty("ai.djl.pytorch.num_threads", "default"),
          timed[timed.length / 2] / 1e6);
      out.flush();
    }
  }

  /**
   * Times one thread through the stages of a pretraining sample, on the same random windows and
   * crops: decoding alone, then decoding plus crop and resize of the six clips.
   */
  private void profile(PrintWriter out, ClipIndex index, ClipConfig clipConfig) throws Exception {
    int[] usable = index.requireWindow(clipConfig.windowFrames()).usable();
    int n = Math.min(usable.length, Math.max(8, batches * batch / 4));
    int window = clipConfig.windowFrames();
    int s = clipConfig.crop();
    RandomResizedCrop crop = new RandomResizedCrop(0.2, 1, 0.5);
    float[] buffer = new float[3 * clipConfig.frames() * s * s];
    long[] nanos = new long[2];
    for (int pass = 0; pass < 2; pass++) {
      boolean resize = pass == 1;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int video = usable[i % usable.length];
        SplittableRandom random = Seeds.random(5, i);
        int windows = index.windows(video, window);
        try (VideoReader reader =
            VideoReader.open(index.path(video), index.info(video), shortSide)) {
          for (int v = 0; v < 2; v++) {
            int startFrame = random.nextInt(windows);
            CropResizer[] resizers = new CropResizer[3];
            for (int k = 0; k < 3; k++) {
              resizers[k] =
                  new CropResizer(crop.sample(reader.height(), reader.width(), random), s);
            }
            int localFrames = clipConfig.localClipFrames();
            reader.read(
                startFrame,
                window,
                (r, bgr, w, h) -> {
                  if (!resize) {
                    return;
                  }
                  int plane = s * s;
                  if (r % clipConfig.stride() == 0) {
                    resizers[0].resize(
                        bgr,
                        w,
                        buffer,
                        (r / clipConfig.stride()) * plane,
                        clipConfig.frames() * plane);
                  }
                  resizers[1 + r / localFrames].resize(
                      bgr, w, buffer, (r % localFrames) * plane, clipConfig.frames() * plane);
                });
          }
        }
      }
      nanos[pass] = System.nanoTime() - t0;
    }
    double decode = nanos[0] / 1e9;
    double both = nanos[1] / 1e9;
    out.printf(
        "profile, one thread, %d samples: decode %.1f ms/sample, crop+resize %.1f ms/sample"
            + " (%.1f samples/s per thread before batch copies)%n",
        n, 1000 * decode / n, 1000 * Math.max(0, both - decode) / n, n / both);
    out.flush();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
