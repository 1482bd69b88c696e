package dev.fima.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.fima.api.ConfigException;
import dev.fima.api.config.BackboneConfig;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.djl.train.MomentumSgd;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fima bench gradients}: how often libtorch returns a non-finite gradient for a finite loss.
 *
 * <p>The same backbone, weights and input batch go through forward and backward again and again;
 * nothing changes between passes, so a correct engine gives the same finite gradient every time. On
 * the AVX-512 machines this project runs on, libtorch 2.7.1's oneDNN kernels occasionally return
 * NaN gradients for layers whose channel count is not a multiple of 16 (see BENCHMARKS.md); this
 * command measures that rate for a backbone and width, so a user can see whether a skipped training
 * step came from the engine or from the data.
 */
@Command(
    name = "gradients",
    mixinStandardHelpOptions = true,
    description =
        "Repeats forward + backward of a backbone on one fixed batch and counts the passes whose"
            + " gradient is not finite (a correct engine gives none).")
final class BenchGradientsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--case",
      paramLabel = "NAME:WIDTH:FRAMES:CROP:BATCH",
      description =
          "A backbone, width and input size, repeatable (default: r3d-tiny:1:8:32:16, the demo's,"
              + " and r3d-tiny:2:8:32:16, whose layers all have multiples of 16 channels).")
  List<String> cases = new ArrayList<>();

  @Option(names = "--passes", description = "Forward + backward passes (default ${DEFAULT-VALUE}).")
  int passes = 2000;

  @Mixin BenchEngineOptions engine;

  @Option(
      names = "--seed",
      description = "Seed of the weights and batch (default ${DEFAULT-VALUE}).")
  int seed = 3;

  @Override
  public Integer call() {
    if (passes < 1) {
      throw new ConfigException("--passes", "must be at least 1, got " + passes);
    }
    PrintWriter out = spec.commandLine().getOut();
    Device dev = engine.apply();
    List<String> grid =
        cases.isEmpty() ? List.of("r3d-tiny:1:8:32:16", "r3d-tiny:2:8:32:16") : cases;
    out.printf(
        "# fima bench gradients: device %s, %d intra-op threads, %d passes per case, seed %d%n",
        dev, JniUtils.getNumThreads(), passes, seed);
    out.println(
        "| backbone | width | frames | crop | batch | passes | passes with a non-finite gradient"
            + " | parameters hit (passes) |");
    out.println("|---|---|---|---|---|---|---|---|");
    out.flush();
    for (String c : grid) {
      out.println(runCase(c, dev));
      out.flush();
    }
    return 0;
  }

  private String runCase(String caseSpec, Device dev) {
    String[] parts = caseSpec.split(":");
    if (parts.length != 5) {
      throw new ConfigException("--case", "expected NAME:WIDTH:FRAMES:CROP:BATCH, got " + caseSpec);
    }
    String name = parts[0];
    double width = Double.parseDouble(parts[1]);
    int frames = Integer.parseInt(parts[2]);
    int crop = Integer.parseInt(parts[3]);
    int batch = Integer.parseInt(parts[4]);
    Map<String, Integer> hits = new LinkedHashMap<>();
    int badPasses = 0;
    try (NDManager manager = NDManager.newBaseManager(dev)) {
      Engine.getInstance().setRandomSeed(seed);
      VideoBackbone net = Backbones.create(new BackboneConfig(name, width, List.of(), 0));
      Backbones.initialize(net, manager, frames, crop);
      NDArray input = manager.randomNormal(new Shape(batch, 3, frames, crop, crop));
      for (int p = 0; p < passes; p++) {
        List<String> hit = pass(net, input);
        if (!hit.isEmpty()) {
          badPasses++;
          hit.forEach(h -> hits.merge(h, 1, Integer::sum));
        }
      }
    }
    String listed =
        hits.isEmpty()
            ? "-"
            : hits.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    return String.format(
        "| %s | %s | %d | %d | %d | %d | %d | %s |",
        name, parts[1], frames, crop, batch, passes, badPasses, listed);
  }

  /** One forward and backward pass; returns the parameters whose gradient is not finite. */
  private static List<String> pass(Block net, NDArray input) {
    try (NDManager step = input.getManager().newSubManager()) {
      NDArray x = input.duplicate();
      x.attach(step);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDList out = net.forward(new ParameterStore(step, false), new NDList(x), true);
        NDArray map = out.get(0);
        collector.backward(map.mul(map).mean());
      }
      List<String> bad = nonFiniteGradients(net);
      for (Pair<String, Parameter> p : net.getParameters()) {
        MomentumSgd.zeroGradient(p.getValue().getArray());
      }
      return bad;
    }
  }

  /**
   * Returns the names of a block's trainable parameters whose gradient holds a NaN or an infinity.
   *
   * @param block a block after a backward pass
   * @return the names, in the block's order
   */
  static List<String> nonFiniteGradients(Block block) {
    List<String> bad = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray weight = p.getValue().getArray();
      if (!p.getValue().requiresGradient() || !weight.hasGradient()) {
        continue;
      }
      // A sum is NaN or infinite whenever any element is; one scalar per parameter to read back.
      try (NDArray gradient = weight.getGradient();
          NDArray sum = gradient.sum()) {
        if (!Float.isFinite(sum.getFloat())) {
          bad.add(p.getKey());
        }
      }
    }
    return bad;
  }
}
