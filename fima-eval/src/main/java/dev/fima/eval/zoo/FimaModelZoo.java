package dev.fima.eval.zoo;

import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.util.Utils;
import dev.fima.djl.backbone.BackboneArchive;
import dev.fima.djl.backbone.Backbones;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FIMA-J's backbones for DJL's {@code Criteria}, by name, under the group id {@value #GROUP_ID}
 * (registered with {@link java.util.ServiceLoader} through {@link FimaZooProvider}):
 *
 * <ul>
 *   <li>{@code <name>}: the exported backbone in the folder {@code <root>/<name>} (written by
 *       {@code fima export} or fine-tuning), where the root is {@value #ROOT_VARIABLE} (an
 *       environment variable or system property), {@code ~/.fima/backbones} by default. The folder
 *       is listed while it holds a {@code backbone.json}, so a backbone exported into the root is
 *       found at once.
 *   <li>{@code random-<registry name>}, e.g. {@code random-r3d-18}: a randomly initialised registry
 *       backbone, the floor every pretrained number is compared with, as the {@code random:<name>}
 *       spec of the command line. Criteria arguments choose the variant and the initialisation:
 *       {@code width}, {@code blocks} ({@code "1,1,1,1"}) and {@code temporalStride} as in the
 *       spec, {@code frames} and {@code crop} of the clips it is initialised for (16 and 112), and
 *       {@code seed} (0). A folder whose name starts with {@value #RANDOM_PREFIX} is not listed.
 * </ul>
 *
 * <pre>{@code
 * Criteria<Path, float[]> criteria =
 *     Criteria.builder()
 *         .setTypes(Path.class, float[].class)
 *         .optArtifactId("dev.fima:ucf101-fima")
 *         .build();
 * }</pre>
 *
 * <p>Without a translator factory in the criteria, inputs {@code Path} or {@code NDArray} and
 * outputs {@code float[]} or {@link FeatureMap} get {@link VideoFeatureTranslatorFactory}'s, and
 * {@code NDList} to {@code NDList} gets DJL's own (the backbone's raw {@code [map, pooled]}).
 */
public final class FimaModelZoo extends ModelZoo {

  /** The group id of FIMA-J's backbones. */
  public static final String GROUP_ID = "dev.fima";

  /** The environment variable or system property naming the folder of exported backbones. */
  public static final String ROOT_VARIABLE = "FIMA_ZOO_ROOT";

  /** The prefix of randomly initialised registry backbones. */
  public static final String RANDOM_PREFIX = "random-";

  private static final Logger LOG = LoggerFactory.getLogger(FimaModelZoo.class);

  @Override
  public String getGroupId() {
    return GROUP_ID;
  }

  @Override
  public Set<String> getSupportedEngines() {
    return Set.of("PyTorch");
  }

  /**
   * Lists the random registry backbones, then the exported backbones under the root, by name.
   *
   * @return a loader per name
   */
  @Override
  public Collection<ModelLoader> getModelLoaders() {
    List<ModelLoader> loaders = new ArrayList<>();
    for (String name : Backbones.names()) {
      loaders.add(BackboneModelLoader.random(RANDOM_PREFIX + name, name));
    }
    for (Path folder : exportedFolders()) {
      loaders.add(BackboneModelLoader.exported(folder.getFileName().toString(), folder));
    }
    return loaders;
  }

  @Override
  public ModelLoader getModelLoader(String name) {
    for (ModelLoader loader : getModelLoaders()) {
      if (loader.getArtifactId().equals(name)) {
        return loader;
      }
    }
    return null;
  }

  /**
   * Returns the folder of exported backbones.
   *
   * @return {@value #ROOT_VARIABLE}, or {@code ~/.fima/backbones}
   */
  public static Path root() {
    String root = Utils.getEnvOrSystemProperty(ROOT_VARIABLE);
    return root != null
        ? Path.of(root)
        : Path.of(System.getProperty("user.home"), ".fima", "backbones");
  }

  private static List<Path> exportedFolders() {
    Path root = root();
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(root)) {
      return children
          .filter(f -> Files.isRegularFile(f.resolve(BackboneArchive.DESCRIPTOR_FILE)))
          .filter(
              f -> {
                boolean shadowed = f.getFileName().toString().startsWith(RANDOM_PREFIX);
                if (shadowed) {
                  LOG.warn("{}: not listed, {} names random backbones", f, RANDOM_PREFIX);
                }
                return !shadowed;
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the backbones in " + root, e);
    }
  }
}
