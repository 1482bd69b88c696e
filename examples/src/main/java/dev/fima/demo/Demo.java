package dev.fima.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.DemoConfig;
import dev.fima.api.config.ExportConfig;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.config.Method;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.config.RunConfig;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.FineTuner;
import dev.fima.api.jobs.LinearProbe;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.Pretrainer;
import dev.fima.api.jobs.Retriever;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import dev.fima.eval.backbone.BackboneSpec;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the end-to-end demonstration described by {@link DemoConfig}: data, FIMA and MoCo
 * pretraining under one budget and seed, the supervised ceiling, then a linear probe and retrieval
 * on those three backbones and on the randomly initialised floor, and a report comparing them.
 *
 * <p>Every job runs through its fima-api interface, exactly as the separate {@code fima} commands
 * would, and writes its own complete report into a subfolder of the demo's output folder: {@code
 * data/} (generated videos), {@code pretrain-fima/}, {@code pretrain-moco/}, {@code ceiling/},
 * {@code backbones/<row>/}, {@code linear-probe/<row>/} and {@code retrieval/<row>/}. The demo adds
 * {@code demo.json}, {@code demo.md} and {@code demo-pretrain-losses.png} at the top.
 */
public final class Demo {

  /** The rows of the comparison, in the order they are shown. */
  public enum Row {
    /** The backbone pretrained with FIMA. */
    FIMA("fima", "FIMA"),
    /** The same backbone pretrained with the MoCo baseline (instance contrast only). */
    MOCO("moco", "MoCo baseline"),
    /** The same backbone, randomly initialised: what pretraining must beat. */
    FLOOR("random", "random init (floor)"),
    /** The same backbone trained with the labels: what pretraining can hope to approach. */
    CEILING("supervised", "supervised (ceiling)");

    private final String key;
    private final String label;

    Row(String key, String label) {
      this.key = key;
      this.label = label;
    }

    /**
     * Returns the folder and JSON name of the row.
     *
     * @return a lower-case key
     */
    public String key() {
      return key;
    }

    /**
     * Returns the row's name in tables.
     *
     * @return a human-readable label
     */
    public String label() {
      return label;
    }
  }

  /**
   * One row's results.
   *
   * @param row which row
   * @param backbone the backbone spec evaluated (a folder, or {@code random:...})
   * @param linear the linear probe's report
   * @param retrieval the retrieval's report
   * @param trainingSeconds wall-clock seconds spent training this backbone (0 for the floor)
   */
  public record RowResult(
      Row row, String backbone, EvalReport linear, EvalReport retrieval, double trainingSeconds) {

    /**
     * Returns the linear probe's top-1 test accuracy.
     *
     * @return a fraction
     */
    public double linearTop1() {
      return linear.metrics().getOrDefault("top1", Double.NaN);
    }

    /**
     * Returns a retrieval recall.
     *
     * @param k the neighbourhood size
     * @return a fraction, or NaN when k was not measured
     */
    public double recall(int k) {
      return retrieval.metrics().getOrDefault("recall@" + k, Double.NaN);
    }
  }

  /**
   * The demo's outcome.
   *
   * @param outputDir the folder holding every report
   * @param classes number of classes of the dataset (chance is one over it)
   * @param rows the rows, in {@link Row} order
   * @param pretraining the two pretraining runs, FIMA then MoCo
   * @param ceilingTest the ceiling's own fine-tuned classifier test report
   * @param seconds wall-clock seconds of the whole demo
   */
  public record Result(
      Path outputDir,
      int classes,
      List<RowResult> rows,
      Map<Row, PretrainResult> pretraining,
      EvalReport ceilingTest,
      double seconds) {

    /**
     * Returns one row.
     *
     * @param row which
     * @return its result
     */
    public RowResult row(Row row) {
      return rows.stream().filter(r -> r.row() == row).findFirst().orElseThrow();
    }
  }

  private static final int STAGES = 6;

  private final SyntheticVideoGenerator generator;
  private final Pretrainer pretrainer;
  private final BackboneExporter exporter;
  private final FineTuner fineTuner;
  private final LinearProbe linearProbe;
  private final Retriever retriever;

  /**
   * Creates the demo from the jobs it runs.
   *
   * @param generator writes the motion-defined videos
   * @param pretrainer pretrains FIMA and MoCo
   * @param exporter extracts the pretrained backbones
   * @param fineTuner trains the ceiling with labels
   * @param linearProbe evaluates every row with a linear classifier
   * @param retriever evaluates every row with nearest-neighbour retrieval
   */
  @Inject
  public Demo(
      SyntheticVideoGenerator generator,
      Pretrainer pretrainer,
      BackboneExporter exporter,
      FineTuner fineTuner,
      LinearProbe linearProbe,
      Retriever retriever) {
    this.generator = generator;
    this.pretrainer = pretrainer;
    this.exporter = exporter;
    this.fineTuner = fineTuner;
    this.linearProbe = linearProbe;
    this.retriever = retriever;
  }

  /**
   * Runs the demo and writes its report.
   *
   * @param config the demo; {@code run.output} is the output folder
   * @param out where stage headings and the final table go
   * @return the results
   */
  public Result run(DemoConfig config, PrintWriter out) {
    long start = System.nanoTime();
    Path output = Path.of(config.run().output()).toAbsolutePath();
    refuseEarlierRun(output);

    DataConfig data = config.data();
    if (data.root() == null) {
      stage(out, 1, "generating motion-defined videos into " + output.resolve("data"));
      SynthConfig synth =
          with(
              config.synth(),
              Map.of("output", output.resolve("data").toString(), "seed", config.run().seed()));
      Path root = generator.generate(synth);
      data = with(data, Map.of("root", root.toString(), "dataset", "UCF101"));
    } else {
      stage(out, 1, "using the dataset at " + data.root());
    }

    Map<Row, PretrainResult> pretraining = new LinkedHashMap<>();
    Map<Row, String> backbones = new LinkedHashMap<>();
    Map<Row, Double> trainingSeconds = new LinkedHashMap<>();
    int stage = 2;
    for (Row row : List.of(Row.FIMA, Row.MOCO)) {
      Method method = row == Row.FIMA ? Method.FIMA : Method.MOCO;
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("data", data);
      fields.put("clip", config.clip());
      fields.put("backbone", config.backbone());
      fields.put("model.method", method);
      fields.put("run", runIn(config.run(), output.resolve("pretrain-" + row.key())));
      if (method == Method.MOCO) {
        // MoCo's loss is its instance term alone: a weight on it would only rescale the learning
        // rate, so the baseline keeps weight 1 whatever FIMA's instance weight is.
        fields.put("loss.instanceWeight", 1.0);
      }
      PretrainConfig pretrain = with(config.pretrain(), fields);
      stage(
          out,
          stage++,
          "pretraining " + describe(config) + " with " + row.label() + termWeights(pretrain));
      PretrainResult result = pretrainer.pretrain(pretrain, null);
      pretraining.put(row, result);
      trainingSeconds.put(row, result.seconds());
      Path exported =
          exporter.export(
              new ExportConfig(
                  result.lastCheckpoint().toString(),
                  output.resolve("backbones").resolve(row.key()).toString()));
      backbones.put(row, exported.toString());
    }

    String randomSpec = BackboneSpec.randomText(config.backbone());
    stage(out, stage++, "training the ceiling: " + randomSpec + " with the labels");
    long ceilingStart = System.nanoTime();
    FinetuneConfig ceiling =
        with(
            config.ceiling(),
            Map.of(
                "backbone",
                randomSpec,
                "data",
                data,
                "clip",
                config.clip(),
                "run",
                runIn(config.run(), output.resolve("ceiling"))));
    EvalReport ceilingTest = fineTuner.finetune(ceiling, null);
    trainingSeconds.put(Row.CEILING, (System.nanoTime() - ceilingStart) / 1e9);
    backbones.put(Row.FLOOR, randomSpec);
    backbones.put(Row.CEILING, ceilingTest.outputDir().resolve("model/backbone").toString());

    stage(out, stage, "linear probe and retrieval on every row");
    List<RowResult> rows = new ArrayList<>();
    for (Row row : Row.values()) {
      String backbone = backbones.get(row);
      out.println("  " + row.label() + ": " + backbone);
      out.flush();
      LinearProbeConfig probe =
          with(
              config.linearProbe(),
              evaluationFields(backbone, data, config, output.resolve("linear-probe"), row));
      RetrieveConfig retrieve =
          with(
              config.retrieve(),
              evaluationFields(backbone, data, config, output.resolve("retrieval"), row));
      EvalReport linear = linearProbe.probe(probe);
      EvalReport retrieval = retriever.retrieve(retrieve);
      rows.add(
          new RowResult(row, backbone, linear, retrieval, trainingSeconds.getOrDefault(row, 0.0)));
    }

    int classes = classesOf(rows.get(0).linear());
    Result result =
        new Result(
            output, classes, rows, pretraining, ceilingTest, (System.nanoTime() - start) / 1e9);
    DemoReport.write(result, config);
    out.println();
    out.print(DemoReport.table(result));
    out.println();
    out.print(DemoGoals.text(DemoReport.goals(result), "  "));
    out.println();
    out.println("demo report: " + output.resolve(DemoReport.MARKDOWN));
    out.println(
        "  (with "
            + DemoReport.JSON
            + ", "
            + DemoReport.LOSS_PLOT
            + ", and every job's own report and confusion matrix in its subfolder of "
            + output
            + ")");
    out.flush();
    return result;
  }

  /**
   * Returns a copy of a configuration record with some fields replaced, validated as a whole.
   *
   * @param config the record
   * @param fields dotted field path to its new value (any JSON-serialisable value)
   * @param <T> the record type
   * @return the new record
   */
  @SuppressWarnings("unchecked")
  public static <T> T with(T config, Map<String, Object> fields) {
    ObjectNode tree = Configs.json().valueToTree(config);
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      String[] path = e.getKey().split("\\.");
      ObjectNode parent = tree;
      for (int i = 0; i < path.length - 1; i++) {
        parent = (ObjectNode) parent.get(path[i]);
      }
      JsonNode value = Configs.json().valueToTree(e.getValue());
      parent.set(path[path.length - 1], value);
    }
    return Configs.bind(tree, (Class<T>) config.getClass());
  }

  /** The fields every evaluation of a row shares; only the job's own folder differs. */
  private static Map<String, Object> evaluationFields(
      String backbone, DataConfig data, DemoConfig config, Path jobFolder, Row row) {
    return Map.of(
        "backbone",
        backbone,
        "data",
        data,
        "clip",
        config.clip(),
        "run",
        runIn(config.run(), jobFolder.resolve(row.key())));
  }

  /**
   * Fails before any work when the folder already holds a demo, so a second run never regenerates
   * the first one's videos under its reports.
   */
  static void refuseEarlierRun(Path output) {
    for (String part :
        List.of(DemoReport.JSON, "data", "pretrain-fima", "pretrain-moco", "ceiling")) {
      if (Files.exists(output.resolve(part))) {
        throw new ConfigException(
            "run.output",
            output
                + " already holds a demo run ("
                + part
                + "): choose another folder with -o, or leave -o out for a fresh one");
      }
    }
  }

  private static RunConfig runIn(RunConfig run, Path folder) {
    return new RunConfig(run.seed(), run.device(), folder.toString(), run.threads());
  }

  private static String describe(DemoConfig config) {
    return config.backbone().name()
        + " ("
        + config.pretrain().epochs()
        + " epochs, batch "
        + config.pretrain().batchSize()
        + ", "
        + config.clip().frames()
        + "x"
        + config.clip().crop()
        + "x"
        + config.clip().crop()
        + ")";
  }

  /** The loss weights of a FIMA run, so that a user sees a weight other than the reference's. */
  private static String termWeights(PretrainConfig pretrain) {
    if (pretrain.model().method() != Method.FIMA) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        " (loss weights: instance %s, local %s, dense %s; the reference uses 1 for each)",
        pretrain.loss().instanceWeight(),
        pretrain.loss().localWeight(),
        pretrain.loss().denseWeight());
  }

  private static int classesOf(EvalReport report) {
    Object classes = report.protocol().get("classes");
    return classes instanceof Number n ? n.intValue() : 0;
  }

  private static void stage(PrintWriter out, int index, String what) {
    out.printf("[%d/%d] %s%n", index, STAGES, what);
    out.flush();
  }
}
