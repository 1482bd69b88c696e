package dev.fima.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.fima.api.ConfigException;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.io.TempFiles;
import dev.fima.collectives.CollectiveException;
import dev.fima.collectives.CollectiveGroup;
import dev.fima.collectives.Rendezvous;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.PretrainModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fima bench allreduce}: milliseconds per all-reduce (mean) of one buffer the size of a FIMA
 * model's gradients (every parameter the step trains: backbone, heads, decoder), across the ranks
 * {@code fima launch} started. Without the launcher it runs as the only rank of a group, which
 * measures the hand-over to the collective worker alone (copies and the control line).
 *
 * <p>Every rank prints which rank it is; rank 0 prints the table. Each result is checked: the mean
 * of the ranks' values {@code rank + 1} is {@code (world + 1) / 2}.
 */
@Command(
    name = "allreduce",
    mixinStandardHelpOptions = true,
    description = {
      "Milliseconds per all-reduce of a FIMA model's gradients across the ranks, e.g.",
      "  fima launch --nproc-per-node 2 -- bench allreduce",
      "Alone (no launcher): one rank, the cost of the hand-over to the collective worker."
    })
final class BenchAllReduceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--case",
      paramLabel = "BACKBONE",
      description =
          "All-reduce a FIMA model's gradients with this backbone, repeatable (default:"
              + " r3d-tiny and r3d-18 when no --floats is given).")
  List<String> cases = new ArrayList<>();

  @Option(names = "--floats", paramLabel = "N", description = "All-reduce N floats, repeatable.")
  List<Integer> floats = new ArrayList<>();

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "Unmeasured all-reduces first (default ${DEFAULT-VALUE}).")
  int warmup = 2;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      description = "Timed all-reduces (default ${DEFAULT-VALUE}).")
  int iterations = 10;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Timeout of each collective (default ${DEFAULT-VALUE}).")
  int timeoutSeconds = 120;

  @Override
  public Integer call() throws IOException {
    if (iterations < 1 || warmup < 0) {
      throw new ConfigException("--iterations", "at least 1 timed all-reduce, 0 or more warm-ups");
    }
    PrintWriter out = spec.commandLine().getOut();
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    List<Buffer> buffers = buffers();
    Map<String, String> env = System.getenv();
    Path alone = null;
    Rendezvous rendezvous;
    if (Rendezvous.isLaunched(env)) {
      rendezvous = Rendezvous.fromEnvironment(env);
    } else {
      alone = TempFiles.createFolder(Path.of(System.getProperty("java.io.tmpdir")), "fima-bench-");
      rendezvous = Rendezvous.file(0, 1, alone.resolve("store"));
    }
    out.printf(
        "rank %d of %d (local rank %s of %s), rendezvous at %s%n",
        rendezvous.rank(),
        rendezvous.worldSize(),
        env.getOrDefault(Rendezvous.LOCAL_RANK, "0"),
        env.getOrDefault(Rendezvous.LOCAL_WORLD_SIZE, "1"),
        rendezvous.store());
    out.flush();
    try (CollectiveGroup group = CollectiveGroup.builder(rendezvous).join()) {
      group.barrier(timeout);
      if (group.rank() == 0) {
        out.printf(
            "# fima bench allreduce: %d ranks, %d warm-up + %d timed all-reduces per buffer%n",
            group.worldSize(), warmup, iterations);
        out.println(
            "| gradients of | floats | MB | ms per all-reduce (median) | min | max | MB/s |");
        out.println("|---|---|---|---|---|---|---|");
        out.flush();
      }
      for (Buffer b : buffers) {
        String row = measure(group, b, timeout);
        if (group.rank() == 0) {
          out.println(row);
          out.flush();
        }
      }
    } finally {
      if (alone != null) {
        AtomicFiles.deleteTree(alone);
      }
    }
    return 0;
  }

  private String measure(CollectiveGroup group, Buffer b, Duration timeout) {
    float[] values = new float[b.floats()];
    Arrays.fill(values, group.rank() + 1);
    for (int i = 0; i < warmup; i++) {
      group.allReduceMean(values, timeout);
    }
    double[] ms = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      group.allReduceMean(values, timeout);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    float mean = (group.worldSize() + 1) / 2f;
    if (values[0] != mean || values[values.length - 1] != mean) {
      throw new CollectiveException(
          "rank " + group.rank() + ": the all-reduce gave " + values[0] + ", not the mean " + mean);
    }
    Arrays.sort(ms);
    double mb = b.floats() * (double) Float.BYTES / 1e6;
    double median = ms[ms.length / 2];
    return String.format(
        "| %s | %d | %.2f | %.1f | %.1f | %.1f | %.0f |",
        b.label(), b.floats(), mb, median, ms[0], ms[ms.length - 1], mb / (median / 1e3));
  }

  /** Returns the buffers to measure: the gradients of each case's model, then the given sizes. */
  private List<Buffer> buffers() {
    List<Buffer> list = new ArrayList<>();
    List<String> names =
        cases.isEmpty() && floats.isEmpty() ? List.of("r3d-tiny", "r3d-18") : cases;
    for (String name : names) {
      PretrainConfig config =
          BenchStepCommand.caseConfig(name + ":16:112:2", "fima", false, 0, List.of());
      try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        PretrainModel model = PretrainModels.create(config, manager);
        list.add(new Buffer(name, Math.toIntExact(StepBenchmark.trainedValues(model))));
      }
    }
    for (int n : floats) {
      if (n < 1) {
        throw new ConfigException("--floats", "must be at least 1, got " + n);
      }
      list.add(new Buffer("-", n));
    }
    return list;
  }

  /** A buffer to all-reduce: what its size is that of, and its number of floats. */
  private record Buffer(String label, int floats) {}
}
