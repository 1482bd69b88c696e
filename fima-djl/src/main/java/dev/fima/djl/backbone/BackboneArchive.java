package dev.fima.djl.backbone;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.ConfigException;
import dev.fima.api.DataException;
import dev.fima.api.config.Configs;
import dev.fima.api.io.AtomicFiles;
import dev.fima.api.io.NamedParameters;
import dev.fima.api.io.ParameterFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The exported-backbone format: a folder with {@code parameters.bin} (every parameter, running
 * batch-norm statistics included, by name, in FIMA-J's one parameter format, {@link
 * ParameterFiles}), {@code backbone.json} (a {@link BackboneDescriptor}) and {@code
 * serving.properties}, which tells DJL's {@code Criteria} how to load the folder ({@link
 * BackboneBlockFactory}). The folder is filled under a temporary name and renamed into place as a
 * whole, replacing an earlier export, so a reader finds the old backbone or the new one, never a
 * mix; the descriptor also records the parameters' SHA-256, which catches a file changed later.
 * Folders exported before {@code serving.properties} was written load as before with {@link
 * Backbones#load} and through the FIMA-J model zoo, and so do those whose {@code parameters.bin}
 * has the earlier format of its own ({@link ParameterFiles} recognises it).
 *
 * <p>Loading rebuilds the architecture from the descriptor, then checks the file's checksum and
 * every parameter name, shape and type against the backbone before copying anything: a mismatch
 * names the parameter and nothing is loaded.
 */
public final class BackboneArchive {

  /** Format tag of the descriptor. */
  public static final String FORMAT = "fima-backbone/1";

  /** File name of the descriptor. */
  public static final String DESCRIPTOR_FILE = "backbone.json";

  /** File name of the parameters. */
  public static final String PARAMETERS_FILE = "parameters.bin";

  /** File name of the loading instructions DJL's {@code Criteria} reads from a model folder. */
  public static final String SERVING_PROPERTIES_FILE = "serving.properties";

  /**
   * What {@code serving.properties} holds: the engine, the block factory that rebuilds and loads
   * the backbone, and that DJL must read no parameter file of its own.
   */
  public static final String SERVING_PROPERTIES =
      "# How DJL's Criteria loads this folder: the block factory rebuilds the backbone from\n"
          + "# "
          + DESCRIPTOR_FILE
          + " and loads "
          + PARAMETERS_FILE
          + " itself, checking every parameter's name and shape.\n"
          + "engine=PyTorch\n"
          + "blockFactory="
          + BackboneBlockFactory.class.getName()
          + "\n"
          + "option.hasParameter=false\n";

  private BackboneArchive() {}

  /**
   * Writes a backbone's parameters and descriptor as a folder, replacing an export already there. A
   * folder that holds other files is refused rather than replaced, so nothing of the user's is
   * deleted.
   *
   * @param backbone an initialised backbone
   * @param input what the backbone expects as input
   * @param dir the folder
   * @param extra extra top-level descriptor fields (must not reuse descriptor field names)
   * @return the descriptor written
   * @throws DataException naming the folder when it holds other files or cannot be written; an
   *     export already there is then unchanged
   */
  public static BackboneDescriptor save(
      VideoBackbone backbone, BackboneInput input, Path dir, Map<String, Object> extra) {
    if (!backbone.isInitialized()) {
      throw new IllegalStateException("initialise the backbone before saving it");
    }
    Set<String> reserved = reservedNames();
    for (String key : extra.keySet()) {
      if (reserved.contains(key)) {
        throw new IllegalArgumentException("extra descriptor field '" + key + "' is reserved");
      }
    }
    requireNothingButABackbone(dir);
    BackboneDescriptor[] written = new BackboneDescriptor[1];
    try {
      AtomicFiles.writeFolder(
          dir,
          folder -> {
            String sha =
                ParameterFiles.save(
                    backbone, folder.resolve(PARAMETERS_FILE), parameterManager(backbone));
            written[0] =
                new BackboneDescriptor(
                    FORMAT,
                    backbone.config(),
                    backbone.featureChannels(),
                    backbone.temporalStride(),
                    backbone.spatialStride(),
                    input,
                    PARAMETERS_FILE,
                    sha,
                    NamedParameters.shapes(backbone),
                    extra);
            Files.writeString(folder.resolve(SERVING_PROPERTIES_FILE), SERVING_PROPERTIES);
            writeDescriptor(written[0], folder.resolve(DESCRIPTOR_FILE));
          });
    } catch (IOException e) {
      throw DataException.cannotWrite(dir, "the backbone", e);
    }
    return written[0];
  }

  /**
   * Tells whether a folder holds an exported backbone (either of its files).
   *
   * @param dir the folder
   * @return true when its descriptor or parameters file is there
   */
  public static boolean holdsBackbone(Path dir) {
    return Files.exists(dir.resolve(DESCRIPTOR_FILE)) || Files.exists(dir.resolve(PARAMETERS_FILE));
  }

  /**
   * Refuses to write into a folder that holds files of the user's: the export replaces its folder
   * as a whole, which would delete them.
   */
  private static void requireNothingButABackbone(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      List<String> others =
          entries
              .map(p -> p.getFileName().toString())
              .filter(
                  n ->
                      !n.equals(DESCRIPTOR_FILE)
                          && !n.equals(PARAMETERS_FILE)
                          && !n.equals(SERVING_PROPERTIES_FILE))
              // Temporary files an interrupted export of an earlier version left behind.
              .filter(n -> !(n.startsWith(PARAMETERS_FILE + ".") && n.endsWith(".tmp")))
              .filter(n -> !(n.startsWith(DESCRIPTOR_FILE + ".") && n.endsWith(".tmp")))
              .sorted()
              .toList();
      if (!others.isEmpty()) {
        throw new DataException(
            dir,
            "holds files that are not an exported backbone ("
                + String.join(", ", others.subList(0, Math.min(3, others.size())))
                + (others.size() > 3 ? ", ..." : "")
                + "): export into a new or empty folder");
      }
    } catch (IOException e) {
      throw new DataException(dir, "cannot list: " + DataException.reason(e), e);
    }
  }

  /**
   * Reads and checks a descriptor.
   *
   * @param dir the export folder
   * @return the descriptor
   * @throws DataException naming the file when it is missing, malformed or of another format
   */
  public static BackboneDescriptor readDescriptor(Path dir) {
    Path file = dir.resolve(DESCRIPTOR_FILE);
    if (!Files.isRegularFile(file)) {
      throw new DataException(file, "no exported backbone here (descriptor missing)");
    }
    ObjectMapper json = Configs.json();
    try {
      JsonNode tree = json.readTree(file.toFile());
      if (!(tree instanceof ObjectNode object)) {
        throw new DataException(file, "a backbone descriptor must be a JSON object");
      }
      JsonNode format = object.get("format");
      if (format == null || !FORMAT.equals(format.asText())) {
        throw new DataException(
            file, "format must be " + FORMAT + ", got " + (format == null ? "none" : format));
      }
      ObjectNode core = json.createObjectNode();
      Map<String, Object> extra = new LinkedHashMap<>();
      Set<String> reserved = reservedNames();
      for (Map.Entry<String, JsonNode> f : object.properties()) {
        if (reserved.contains(f.getKey())) {
          core.set(f.getKey(), f.getValue());
        } else {
          extra.put(f.getKey(), json.treeToValue(f.getValue(), Object.class));
        }
      }
      core.remove("extra");
      core.putObject("extra");
      BackboneDescriptor read;
      try {
        read = Configs.bind(core, BackboneDescriptor.class);
      } catch (ConfigException e) {
        throw new DataException(file, "malformed descriptor: " + e.getMessage(), e);
      }
      return new BackboneDescriptor(
          read.format(),
          read.backbone(),
          read.featureChannels(),
          read.temporalStride(),
          read.spatialStride(),
          read.input(),
          read.parametersFile(),
          read.parametersSha256(),
          read.parameters(),
          extra);
    } catch (JsonProcessingException e) {
      throw new DataException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Rebuilds an exported backbone: the architecture from the descriptor, initialised on the
   * manager's device, then its parameters from the file.
   *
   * @param dir the export folder
   * @param manager manager that owns the parameters (and decides their device)
   * @return the backbone and its descriptor
   */
  public static LoadedBackbone load(Path dir, NDManager manager) {
    BackboneDescriptor descriptor = readDescriptor(dir);
    VideoBackbone backbone = Backbones.create(descriptor.backbone());
    BackboneInput input = descriptor.input();
    backbone.initialize(
        manager, DataType.FLOAT32, new Shape(1, 3, input.frames(), input.crop(), input.crop()));
    loadParameters(dir, descriptor, backbone);
    return new LoadedBackbone(backbone, descriptor);
  }

  /**
   * Loads an export's parameters into an existing, initialised backbone of the same architecture,
   * for instance the backbone of a fine-tuning model. Gradient flags and devices of the target's
   * parameters are kept.
   *
   * @param dir the export folder
   * @param target the backbone to overwrite
   * @return the descriptor read
   * @throws DataException naming the parameter when a name or shape differs; nothing is loaded then
   */
  public static BackboneDescriptor loadInto(Path dir, VideoBackbone target) {
    BackboneDescriptor descriptor = readDescriptor(dir);
    loadParameters(dir, descriptor, target);
    return descriptor;
  }

  private static void loadParameters(
      Path dir, BackboneDescriptor descriptor, VideoBackbone target) {
    if (!target.isInitialized()) {
      throw new IllegalStateException("initialise the target backbone before loading into it");
    }
    ParameterFiles.load(
        target,
        dir.resolve(descriptor.parametersFile()),
        parameterManager(target),
        descriptor.parametersSha256(),
        ParameterFiles.Origin.EXPORT);
  }

  /** The manager of a block's parameters, whose device temporary copies and reads then share. */
  private static NDManager parameterManager(VideoBackbone backbone) {
    return NamedParameters.of(backbone).values().iterator().next().getArray().getManager();
  }

  private static void writeDescriptor(BackboneDescriptor d, Path file) throws IOException {
    ObjectMapper json = Configs.json();
    ObjectNode tree = json.valueToTree(d);
    tree.remove("extra");
    for (Map.Entry<String, Object> e : d.extra().entrySet()) {
      tree.set(e.getKey(), json.valueToTree(e.getValue()));
    }
    Files.writeString(file, json.writeValueAsString(tree));
  }

  private static Set<String> reservedNames() {
    Set<String> names = new LinkedHashSet<>();
    for (var c : BackboneDescriptor.class.getRecordComponents()) {
      names.add(c.getName());
    }
    return names;
  }
}
