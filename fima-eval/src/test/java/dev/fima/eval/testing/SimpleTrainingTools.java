package dev.fima.eval.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fima.api.DataException;
import dev.fima.api.config.OptimConfig;
import dev.fima.eval.finetune.TrainingTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Test stand-in for fima-djl's training utilities: plain SGD without momentum (so its state is
 * empty and a resume is exact), the step and constant schedules, checkpoint folders, an in-memory
 * log written as JSON lines.
 */
public final class SimpleTrainingTools implements TrainingTools {

  /** Every step record, in order, across runs of this instance. */
  public final List<Map<String, Object>> steps = new ArrayList<>();

  @Override
  public Optimiser optimiser(
      Block trainable, OptimConfig optim, int batchSize, int epochs, NDManager manager) {
    float[] rate = {0};
    Tracker current = update -> rate[0];
    Optimizer sgd =
        Optimizer.sgd()
            .setLearningRateTracker(current)
            .optWeightDecays((float) optim.weightDecay())
            .build();
    ParameterStore store = new ParameterStore(manager, false);
    return new Optimiser() {
      @Override
      public ParameterStore parameterStore() {
        return store;
      }

      @Override
      public double prepareStep(int epoch, int batch, int batchesPerEpoch) {
        double r = optim.scaledLr(batchSize);
        if (optim.schedule() == dev.fima.api.config.Schedule.STEP) {
          for (int m : optim.milestones()) {
            if (epoch >= m) {
              r *= optim.gamma();
            }
          }
        }
        rate[0] = (float) r;
        return r;
      }

      @Override
      public double step() {
        double sq = 0;
        for (Pair<String, Parameter> p : trainable.getParameters()) {
          NDArray w = p.getValue().getArray();
          if (p.getValue().requiresGradient() && w.hasGradient()) {
            try (NDArray g = w.getGradient()) {
              sq += g.square().sum().getFloat();
              sgd.update(p.getValue().getId(), w, g);
            }
          }
        }
        return Math.sqrt(sq);
      }

      @Override
      public void save(Path file) throws IOException {
        Files.writeString(file, "stateless");
      }

      @Override
      public void load(Path file) throws IOException {
        if (!Files.readString(file).equals("stateless")) {
          throw new IOException("bad optimiser state " + file);
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Checkpoints checkpoints(Path folder, int keep) {
    return new Checkpoints() {
      @Override
      public Path write(long sequence, FolderWriter contents) throws IOException {
        Files.createDirectories(folder);
        Path tmp = Files.createTempDirectory(folder, ".tmp-");
        contents.write(tmp);
        Path target = folder.resolve(String.format("checkpoint-%06d", sequence));
        deleteTree(target);
        Files.move(tmp, target);
        List<Path> all = list(folder);
        for (int i = 0; i < all.size() - keep; i++) {
          deleteTree(all.get(i));
        }
        return target;
      }

      @Override
      public Optional<Path> latest() {
        List<Path> all = list(folder);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
      }

      @Override
      public Path resolve(Path path) {
        if (Files.isRegularFile(path.resolve("state.json"))) {
          return path;
        }
        List<Path> all = list(path.resolve("checkpoints"));
        if (all.isEmpty()) {
          throw new DataException(path, "no checkpoint");
        }
        return all.get(all.size() - 1);
      }
    };
  }

  @Override
  public RunLog log(Path runFolder, int epochs) {
    ObjectMapper json = new ObjectMapper();
    return new RunLog() {
      @Override
      public void step(
          int epoch,
          int batch,
          int batchesPerEpoch,
          long step,
          double learningRate,
          Map<String, Double> values,
          int samples) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epoch", epoch);
        r.put("batch", batch);
        r.put("step", step);
        r.put("lr", learningRate);
        r.putAll(values);
        steps.add(r);
        try {
          Files.createDirectories(runFolder);
          Files.writeString(
              runFolder.resolve(fileName()),
              json.writeValueAsString(r) + "\n",
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new DataException(runFolder, "log", e);
        }
      }

      @Override
      public void epoch(int epoch, long step, Map<String, Double> means) {}

      @Override
      public void truncateAfter(long step) {
        steps.removeIf(r -> ((Number) r.get("step")).longValue() > step);
      }

      @Override
      public void plot(List<String> names, String title, Path png) throws IOException {
        Files.writeString(png, "plot of " + names);
      }

      @Override
      public String fileName() {
        return "metrics.jsonl";
      }
    };
  }

  private static List<Path> list(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).sorted().toList();
    } catch (IOException e) {
      throw new DataException(folder, "list", e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
