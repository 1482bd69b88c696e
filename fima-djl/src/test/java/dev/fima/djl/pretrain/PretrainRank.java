package dev.fima.djl.pretrain;

import ai.djl.ndarray.NDArray;
import dev.fima.api.FimaException;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.TrainingStoppedException;
import dev.fima.collectives.Rendezvous;
import dev.fima.djl.loss.ContrastQueues;
import dev.fima.djl.model.FeatureQueue;
import dev.fima.djl.model.PretrainModel;
import dev.fima.djl.model.PretrainModelFactory;
import dev.fima.djl.model.PretrainModels;
import dev.fima.djl.parallel.DataParallel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One rank of a data-parallel pretraining run in a JVM of its own, for {@link
 * DataParallelPretrainTest}: the run of {@link FimaPretrainer} on {@link FakePretrainData}, joined
 * through a file store, its final parameters (both sides, batch-norm statistics included), queue
 * entries and pointers written to a dump file that the test compares bit by bit. SIGTERM asks the
 * run to stop (as the command line's shutdown hook does) and waits for it.
 *
 * <p>Arguments: {@code key=value} pairs ({@code rank}, {@code world}, {@code store}, {@code
 * timeout} seconds, {@code model} ({@code fima} for the real model with r3d-tiny, {@code tiny} for
 * the batch-norm-free test model), {@code dump}, {@code resume}, {@code poison=rank/epoch/batch},
 * {@code noise=false}, {@code videos}), then configuration overrides.
 */
public final class PretrainRank {

  private PretrainRank() {}

  /** The configuration of the real model on the fake data's 4-frame, 16-pixel clips. */
  static List<String> fimaModel() {
    return List.of(
        "backbone.name=r3d-tiny",
        "backbone.temporalStride=2",
        "model.projectionHidden=16",
        "model.decoderDim=16",
        "model.decoderHeads=2",
        "model.decoderFeedForward=16");
  }

  /**
   * Runs the rank.
   *
   * @param args the arguments described above
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    List<String> overrides = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      String key = a.substring(0, eq);
      if (List.of(
              "rank", "world", "store", "timeout", "model", "dump", "resume", "poison", "noise",
              "videos")
          .contains(key)) {
        options.put(key, a.substring(eq + 1));
      } else {
        overrides.add(a);
      }
    }
    int rank = Integer.parseInt(options.get("rank"));
    int world = Integer.parseInt(options.get("world"));
    Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout", "60")));
    boolean real = "fima".equals(options.get("model"));
    List<String> all = new ArrayList<>(real ? fimaModel() : List.of());
    all.addAll(overrides);
    PretrainConfig config =
        FimaPretrainerTest.config(Path.of("unused"), 1, all.toArray(String[]::new));
    FakePretrainData data =
        new FakePretrainData(Integer.parseInt(options.getOrDefault("videos", "16")));
    if ("false".equals(options.get("noise"))) {
      data.noiseFreeAugmentation();
    }
    if (options.containsKey("poison")) {
      String[] p = options.get("poison").split("/");
      data.poisonOnRank(
          Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), rank);
    }
    Path dump = Path.of(options.get("dump"));
    Path store = Path.of(options.get("store"));
    PretrainModelFactory models = real ? PretrainModels::create : FimaPretrainerTest.MODELS;
    DataParallel.Joiner joiner =
        () ->
            world == 1
                ? DataParallel.single()
                : DataParallel.join(Rendezvous.file(rank, world, store), timeout);
    FimaPretrainer pretrainer =
        new FimaPretrainer(data, models, AtomicFiles::writeFolder, joiner).showProgress(false);
    byte[][] state = new byte[1][];
    pretrainer.inspectAtEnd(
        (model, queues) -> {
          try {
            state[0] = dump(model, queues);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pretrainer.requestStop();
                  try {
                    done.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    int status = 0;
    try {
      PretrainResult result =
          pretrainer.pretrain(
              config, options.containsKey("resume") ? Path.of(options.get("resume")) : null);
      System.out.println("steps " + result.steps());
    } catch (TrainingStoppedException e) {
      System.out.println("stopped: " + e.getMessage());
      status = 143;
    } catch (FimaException e) {
      System.err.println("fima: " + e.getMessage());
      status = 2;
    } finally {
      // Written before the shutdown hook is released: after a SIGTERM the JVM exits as soon as the
      // hook returns, which would race this write.
      if (state[0] != null) {
        java.nio.file.Files.write(dump, state[0]);
      }
      done.countDown();
    }
    System.out.flush();
    Runtime.getRuntime().halt(status);
  }

  /** Every parameter (both sides, batch-norm statistics included), queue and pointer, by name. */
  static byte[] dump(PretrainModel model, ContrastQueues queues) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (Map.Entry<String, ai.djl.nn.Parameter> e :
          NamedParameters.of(model.block()).entrySet()) {
        write(out, e.getKey(), e.getValue().getArray());
      }
      for (Map.Entry<String, FeatureQueue> e : queues.byName().entrySet()) {
        write(out, "queue." + e.getKey(), e.getValue().features());
        out.writeUTF("pointer." + e.getKey());
        out.writeInt(1);
        out.writeFloat(e.getValue().pointer());
      }
    }
    return bytes.toByteArray();
  }

  private static void write(DataOutputStream out, String name, NDArray array) throws IOException {
    out.writeUTF(name);
    float[] values = array.toFloatArray();
    out.writeInt(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }
}
