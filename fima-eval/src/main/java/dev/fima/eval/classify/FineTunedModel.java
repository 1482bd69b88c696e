package dev.fima.eval.classify;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.ClipConfig;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.OpenedBackbone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folder a fine-tuned classifier is saved in, and that {@code fima test --model} loads:
 *
 * <pre>
 * model.json    format, class names, dropout, feature size, and the training protocol and results
 * backbone/     the fine-tuned backbone in the exported-backbone format (itself transferable)
 * head.params   the linear head, loaded strictly (names and shapes checked)
 * </pre>
 *
 * A folder is written beside its target and renamed into place, so a crash never leaves a half
 * model where a good one was.
 *
 * @param classifier the classifier
 * @param classNames class names, index = label
 * @param descriptor the contents of {@code model.json}
 */
public record FineTunedModel(
    VideoClassifier classifier, List<String> classNames, Map<String, Object> descriptor) {

  /** Value of the {@code format} entry of {@code model.json}. */
  public static final String FORMAT = "fima-j fine-tuned classifier v1";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /**
   * Saves a classifier.
   *
   * @param classifier the classifier
   * @param classNames class names, index = label
   * @param notes protocol and results to record in {@code model.json}
   * @param backbones writes the backbone in the exported format
   * @param folder the folder to (re)place
   */
  public static void save(
      VideoClassifier classifier,
      List<String> classNames,
      Map<String, Object> notes,
      BackboneProvider backbones,
      Path folder) {
    Path target = folder.toAbsolutePath();
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, target.getFileName() + ".tmp-");
      try {
        backbones.save(classifier.backbone(), tmp.resolve("backbone"), notes);
        StrictParameters.save(classifier.head(), tmp.resolve("head.params"));
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("format", FORMAT);
        descriptor.put("classNames", classNames);
        descriptor.put("dropout", classifier.dropoutRate());
        descriptor.put("featureChannels", classifier.backbone().featureChannels());
        descriptor.put("backboneConfig", classifier.backbone().config());
        descriptor.put("notes", notes);
        Files.writeString(tmp.resolve("model.json"), JSON.writeValueAsString(descriptor));
        replace(tmp, target);
      } finally {
        deleteTree(tmp);
      }
    } catch (IOException e) {
      throw new DataException(target, "cannot write the fine-tuned model: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a classifier.
   *
   * @param folder the model folder
   * @param backbones opens the backbone (checking its parameters)
   * @param clip the clip geometry it will see
   * @param manager owns the parameters; its device is where the model runs
   * @param seed seed of anything initialised before loading
   * @return the model
   * @throws ConfigException when the folder is missing ({@code model})
   * @throws DataException naming the file at fault when the folder is not a compatible model
   */
  @SuppressWarnings("unchecked")
  public static FineTunedModel load(
      Path folder, BackboneProvider backbones, ClipConfig clip, NDManager manager, long seed) {
    Path json = folder.resolve("model.json");
    if (!Files.isRegularFile(json)) {
      throw new ConfigException(
          "model", "no fine-tuned model at " + folder.toAbsolutePath() + " (model.json missing)");
    }
    Map<String, Object> descriptor;
    try {
      descriptor = JSON.readValue(json.toFile(), Map.class);
    } catch (IOException e) {
      throw new DataException(json, "unreadable: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(descriptor.get("format"))) {
      throw new DataException(
          json, "format is " + descriptor.get("format") + ", expected " + FORMAT);
    }
    List<String> classNames = (List<String>) descriptor.get("classNames");
    Number dropout = (Number) descriptor.get("dropout");
    if (classNames == null || classNames.isEmpty() || dropout == null) {
      throw new DataException(json, "classNames and dropout are required");
    }
    OpenedBackbone backbone =
        backbones.open(
            BackboneSpec.parse("model", folder.resolve("backbone").toString()),
            clip,
            manager,
            seed);
    VideoClassifier classifier =
        new VideoClassifier(backbone.block(), classNames.size(), dropout.floatValue());
    classifier.initialize(
        manager, DataType.FLOAT32, new Shape(1, 3, clip.frames(), clip.crop(), clip.crop()));
    StrictParameters.load(classifier.head(), folder.resolve("head.params"), manager);
    return new FineTunedModel(classifier, List.copyOf(classNames), descriptor);
  }

  /** Moves a finished folder into place, replacing an older one. */
  private static void replace(Path finished, Path target) throws IOException {
    if (Files.exists(target)) {
      Path old = Files.createTempDirectory(target.getParent(), target.getFileName() + ".old-");
      Files.delete(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    } else {
      Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE);
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
