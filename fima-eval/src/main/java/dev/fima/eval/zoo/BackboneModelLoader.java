package dev.fima.eval.zoo;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.repository.MRL;
import ai.djl.repository.Repository;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.ArgumentsUtil;
import ai.djl.translate.DefaultTranslatorFactory;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.ConfigBuilder;
import dev.fima.djl.backbone.BackboneArchive;
import dev.fima.djl.backbone.BackboneBlockFactory;
import dev.fima.eval.backbone.BackboneSpec;
import dev.fima.eval.backbone.RegistryBackboneProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads one backbone of {@link FimaModelZoo}: an exported folder through DJL's own folder loading
 * ({@code optModelPath} with {@link BackboneBlockFactory}, also for folders exported before they
 * carried {@code serving.properties}), or a random registry backbone built and initialised as the
 * command line's {@code random:<name>} spec ({@link RegistryBackboneProvider}).
 */
final class BackboneModelLoader implements ModelLoader {

  private final String artifactId;
  private final Path folder;
  private final String registryName;

  private BackboneModelLoader(String artifactId, Path folder, String registryName) {
    this.artifactId = artifactId;
    this.folder = folder;
    this.registryName = registryName;
  }

  static BackboneModelLoader exported(String artifactId, Path folder) {
    return new BackboneModelLoader(artifactId, folder, null);
  }

  static BackboneModelLoader random(String artifactId, String registryName) {
    return new BackboneModelLoader(artifactId, null, registryName);
  }

  @Override
  public String getGroupId() {
    return FimaModelZoo.GROUP_ID;
  }

  @Override
  public String getArtifactId() {
    return artifactId;
  }

  @Override
  public Application getApplication() {
    return Application.UNDEFINED;
  }

  @Override
  public MRL getMrl() {
    Path location = folder != null ? folder : FimaModelZoo.root();
    return MRL.undefined(Repository.newInstance(artifactId, location), getGroupId(), artifactId);
  }

  @Override
  public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
      throws IOException, ModelNotFoundException, MalformedModelException {
    TranslatorFactory translators = translators(criteria);
    if (folder != null) {
      // DJL's own folder loading; the arguments repeat serving.properties for older exports.
      return criteria.toBuilder()
          .optGroupId(null)
          .optArtifactId(null)
          .optModelPath(folder)
          .optEngine("PyTorch")
          .optArgument("blockFactory", BackboneBlockFactory.class.getName())
          .optOption("hasParameter", "false")
          .optTranslatorFactory(translators)
          .build()
          .loadModel();
    }
    Map<String, Object> arguments =
        criteria.getArguments() == null ? Map.of() : criteria.getArguments();
    StringBuilder spec = new StringBuilder(BackboneSpec.RANDOM_PREFIX).append(registryName);
    String separator = "?";
    for (String option : List.of("width", "blocks", "temporalStride")) {
      if (arguments.containsKey(option)) {
        spec.append(separator).append(option).append('=').append(arguments.get(option));
        separator = "&";
      }
    }
    ClipConfig defaults = ClipConfig.defaults();
    ClipConfig clip =
        ConfigBuilder.of(defaults)
            .set(ClipConfig::frames, ArgumentsUtil.intValue(arguments, "frames", defaults.frames()))
            .set(ClipConfig::crop, ArgumentsUtil.intValue(arguments, "crop", defaults.crop()))
            .set(ClipConfig::localClips, 1)
            .build();
    Model model = Model.newInstance(artifactId, criteria.getDevice(), "PyTorch");
    try {
      model.setBlock(
          new RegistryBackboneProvider()
              .open(
                  BackboneSpec.parse("artifactId", spec.toString()),
                  clip,
                  model.getNDManager(),
                  ArgumentsUtil.longValue(arguments, "seed", 0L))
              .block());
      return new ZooModel<>(
          model,
          translators.newInstance(
              criteria.getInputClass(), criteria.getOutputClass(), model, arguments));
    } catch (TranslateException e) {
      model.close();
      throw new ModelNotFoundException("no translator for " + artifactId, e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The criteria's translator factory, else FIMA-J's for its types, else DJL's for NDList. */
  private static TranslatorFactory translators(Criteria<?, ?> criteria)
      throws ModelNotFoundException {
    Class<?> in = criteria.getInputClass();
    Class<?> out = criteria.getOutputClass();
    if (criteria.getTranslatorFactory() != null) {
      return criteria.getTranslatorFactory();
    }
    VideoFeatureTranslatorFactory features = new VideoFeatureTranslatorFactory();
    if (features.isSupported(in, out)) {
      return features;
    }
    if (in == NDList.class && out == NDList.class) {
      return new DefaultTranslatorFactory();
    }
    throw new ModelNotFoundException(
        "FIMA-J backbones take Path or NDArray and give float[] or FeatureMap (or NDList to"
            + " NDList), not "
            + in.getSimpleName()
            + " to "
            + out.getSimpleName());
  }

  @Override
  public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
    return true;
  }

  @Override
  public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
    // Everything is local: an exported folder, or a backbone built on the spot.
  }

  @Override
  public String toString() {
    return getGroupId()
        + ":"
        + artifactId
        + (folder != null ? " (" + folder.resolve(BackboneArchive.DESCRIPTOR_FILE) + ")" : "");
  }
}
