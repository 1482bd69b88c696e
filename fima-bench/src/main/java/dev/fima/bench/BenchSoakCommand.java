package dev.fima.bench;

import ai.djl.ndarray.NDManager;
import dev.fima.api.config.Configs;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.data.PretrainBatch;
import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.PretrainDataSource;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.datasets.VideoPretrainDataSource;
import dev.fima.datasets.synth.MotionVideoGenerator;
import dev.fima.djl.model.PretrainModels;
import dev.fima.djl.pretrain.FimaPretrainer;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.StepRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fima bench soak}: native memory over a long run. Pretrains a scaled-down backbone on
 * generated videos through the real loader, augmentation and training loop for {@code --steps}
 * steps, sampling the resident set (VmRSS) and DJL's live array count every {@code --every} steps,
 * then drives the pretraining loader alone over {@code --samples} samples the same way. Each series
 * is printed with its growth between the sample at {@code --from} and the end, against the goal of
 * less than 5%: a leak of per-step arrays shows as steady growth, while allocator warm-up happens
 * before the reference point.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Resident memory over a long pretraining run and a long loader run (growth goal < 5%%).")
final class BenchSoakCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--steps", description = "Pretraining steps (default ${DEFAULT-VALUE}).")
  int steps = 500;

  @Option(names = "--every", description = "Sample every this many steps (${DEFAULT-VALUE}).")
  int every = 50;

  @Option(
      names = "--from",
      description = "Step the growth is measured from (default ${DEFAULT-VALUE}).")
  int from = 100;

  @Option(
      names = "--samples",
      description = "Loader samples of the loader-only run (default ${DEFAULT-VALUE}).")
  int samples = 5000;

  @Option(names = "--batch", description = "Samples per batch (default ${DEFAULT-VALUE}).")
  int batch = 4;

  @Option(names = "--workers", description = "Loader threads (default ${DEFAULT-VALUE}).")
  int workers = 1;

  @Option(
      names = "--threads",
      description = "libtorch intra-op threads (default ${DEFAULT-VALUE}).")
  int threads = 1;

  @Option(
      names = "--set",
      paramLabel = "FIELD=VALUE",
      description = "Extra pretraining overrides, e.g. backbone.name=r3d-18 (repeatable).")
  List<String> extra = new ArrayList<>();

  /** One memory sample. */
  private record Sample(long at, long rssKb, long liveArrays) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("fima-bench-soak");
    try {
      PretrainDataSource source = new VideoPretrainDataSource();
      Path data =
          new MotionVideoGenerator()
              .generate(
                  Configs.load(
                      SynthConfig.defaults(),
                      null,
                      List.of(
                          "output=" + work.resolve("videos"),
                          "classes=4",
                          "videosPerClass=8",
                          "frames=32",
                          "width=64",
                          "height=48")));
      PretrainConfig config = config(data, work.resolve("run"));
      out.printf(
          Locale.ROOT,
          "soak: %s width %s, clips %dx%dx%d, batch %d, %d loader thread(s), %d libtorch"
              + " thread(s), %d steps%n",
          config.backbone().name(),
          config.backbone().width(),
          config.clip().frames(),
          config.clip().crop(),
          config.clip().crop(),
          config.batchSize(),
          config.data().workers(),
          config.run().threads(),
          steps);
      out.flush();
      List<Sample> training = pretrain(source, config, out);
      report(out, "pretraining", "step", training, from);
      List<Sample> loading = loader(source, config, out);
      report(out, "loader alone", "sample", loading, (long) from * config.batchSize() * 2);
      return 0;
    } finally {
      AtomicFiles.deleteTree(work);
    }
  }

  private PretrainConfig config(Path data, Path output) {
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "data.root=" + data,
                "data.workers=" + workers,
                "data.prefetchBatches=2",
                "clip.frames=8",
                "clip.stride=2",
                "clip.crop=32",
                "clip.localClips=2",
                "backbone.name=r3d-tiny",
                "backbone.width=0.5",
                "model.projectionHidden=32",
                "model.embedding=16",
                "model.decoderDim=16",
                "model.decoderHeads=2",
                "model.decoderFeedForward=32",
                "model.queueSize=64",
                "model.denseQueueSize=256",
                "epochs=1000",
                "batchSize=" + batch,
                "optim.lr=0.01",
                "optim.referenceBatch=" + batch,
                "optim.schedule=constant",
                "checkpoint.everyEpochs=1000",
                "checkpoint.keep=1",
                "run.threads=" + threads,
                "run.output=" + output));
    overrides.addAll(extra);
    return Configs.load(PretrainConfig.defaults(), null, overrides);
  }

  private List<Sample> pretrain(PretrainDataSource source, PretrainConfig config, PrintWriter out) {
    List<Sample> series = new ArrayList<>();
    int[] skipped = {0};
    FimaPretrainer pretrainer = new FimaPretrainer(source, PretrainModels::create);
    pretrainer.showProgress(false);
    pretrainer.addListener(
        new StepListener() {
          @Override
          public void onStep(StepRecord r) {
            skipped[0] += r.skipped() ? 1 : 0;
            if (r.step() % every == 0 || r.step() == 1) {
              Sample s = new Sample(r.step(), rssKb(), liveArrays());
              series.add(s);
              out.printf(
                  Locale.ROOT,
                  "  step %5d  rss %7.1f MiB  live arrays %6d  loss %.4f%n",
                  s.at(),
                  s.rssKb() / 1024.0,
                  s.liveArrays(),
                  r.values().getOrDefault("loss", Double.NaN));
              out.flush();
            }
            if (r.step() >= steps) {
              pretrainer.requestStop();
            }
          }
        });
    PretrainResult result = pretrainer.pretrain(config, null);
    out.printf(
        Locale.ROOT,
        "  %d steps in %.0f s, %d skipped for a non-finite loss or gradient%n",
        result.steps(),
        result.seconds(),
        skipped[0]);
    return series;
  }

  private List<Sample> loader(PretrainDataSource source, PretrainConfig config, PrintWriter out) {
    List<Sample> series = new ArrayList<>();
    long everySamples = (long) every * config.batchSize() * 2;
    long seen = 0;
    long next = 0;
    long t0 = System.nanoTime();
    try (PretrainBatchLoader loader = source.open(config, null);
        NDManager root = NDManager.newBaseManager()) {
      int epoch = 0;
      while (seen < samples) {
        Iterator<PretrainBatch> it = loader.epoch(root, epoch++, 0);
        while (it.hasNext() && seen < samples) {
          try (NDManager step = root.newSubManager()) {
            PretrainBatch b = it.next();
            b.arrays().attach(step);
            seen += b.size();
          }
          if (seen >= next || seen >= samples) {
            Sample s = new Sample(seen, rssKb(), liveArrays());
            series.add(s);
            out.printf(
                Locale.ROOT,
                "  sample %6d  rss %7.1f MiB  live arrays %6d%n",
                s.at(),
                s.rssKb() / 1024.0,
                s.liveArrays());
            out.flush();
            next = seen + everySamples;
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("the loader run failed: " + e, e);
    }
    out.printf(
        Locale.ROOT,
        "  %d samples (%d clips each) in %.0f s%n",
        seen,
        2 * (1 + config.clip().localClips()),
        (System.nanoTime() - t0) / 1e9);
    return series;
  }

  private static void report(
      PrintWriter out, String name, String unit, List<Sample> series, long reference) {
    Sample base = null;
    for (Sample s : series) {
      if (s.at() >= reference) {
        base = s;
        break;
      }
    }
    Sample last = series.get(series.size() - 1);
    if (base == null || base == last) {
      out.printf("%s: too short to measure growth from %s %d%n", name, unit, reference);
      return;
    }
    double growth = 100.0 * (last.rssKb() - base.rssKb()) / base.rssKb();
    out.printf(
        Locale.ROOT,
        "%s: rss %.1f MiB at %s %d -> %.1f MiB at %s %d: %+.2f%% (goal < 5%%: %s);"
            + " live arrays %d -> %d%n",
        name,
        base.rssKb() / 1024.0,
        unit,
        base.at(),
        last.rssKb() / 1024.0,
        unit,
        last.at(),
        growth,
        growth < 5 ? "met" : "NOT met",
        base.liveArrays(),
        last.liveArrays());
    out.flush();
  }

  /** Resident set size of this process in KiB, from /proc/self/status; -1 where unavailable. */
  static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Arrays alive in every DJL manager (the engine's system manager and below); -1 if unknown. */
  static long liveArrays() {
    try (NDManager probe = NDManager.newBaseManager()) {
      NDManager system = probe.getParentManager();
      return system == null ? -1 : system.getManagedArrays().size();
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
