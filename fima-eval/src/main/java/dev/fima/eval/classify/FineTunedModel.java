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
import dev.fima.api.io.ParameterFiles;
import dev.fima.eval.backbone.BackboneProvider;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.OpenedBackbone;
import dev.fima.eval.report.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The folder a fine-tuned classifier is saved in, and that {@code fima test --model} loads:
 *
 * <pre>
 * model.json    format, class names, dropout, feature size, and the training protocol and results
 * backbone/     the fine-tuned backbone in the exported-backbone format (itself transferable)
 * head.params   the linear head, loaded strictly (names and shapes checked)
 * </pre>
 *
 * A folder is filled under a temporary name and renamed into place, so a crash never leaves a half
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
   * @param manager a manager for temporary copies
   * @throws DataException naming the folder when it cannot be written
   */
  public static void save(
      VideoClassifier classifier,
      List<String> classNames,
      Map<String, Object> notes,
      BackboneProvider backbones,
      Path folder,
      NDManager manager) {
    OutputFiles.writeFolder(
        folder,
        tmp -> {
          backbones.save(classifier.backbone(), tmp.resolve("backbone"), notes);
          ParameterFiles.save(classifier.head(), tmp.resolve("head.params"), manager);
          Map<String, Object> descriptor = new LinkedHashMap<>();
          descriptor.put("format", FORMAT);
          descriptor.put("classNames", classNames);
          descriptor.put("dropout", classifier.dropoutRate());
          descriptor.put("featureChannels", classifier.backbone().featureChannels());
          descriptor.put("backboneConfig", classifier.backbone().config());
          descriptor.put("notes", notes);
          Files.writeString(tmp.resolve("model.json"), JSON.writeValueAsString(descriptor));
        });
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
    ParameterFiles.load(classifier.head(), folder.resolve("head.params"), manager);
    return new FineTunedModel(classifier, List.copyOf(classNames), descriptor);
  }
}
