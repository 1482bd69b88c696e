package dev.fima.djl.backbone;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.BackboneConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Entry point for backbones: build one from its configuration, export it, load it back.
 *
 * <pre>{@code
 * VideoBackbone net = Backbones.create(new BackboneConfig("r3d-tiny", 1.0, List.of()));
 * Backbones.initialize(net, manager, 8, 56);
 * Backbones.save(net, BackboneInput.kinetics(8, 56), dir, Map.of("method", "fima"));
 * LoadedBackbone again = Backbones.load(dir, manager);
 * }</pre>
 */
public final class Backbones {

  private Backbones() {}

  /**
   * Builds an uninitialised backbone from the registry.
   *
   * @param config which variant, width, depth and temporal stride
   * @return the backbone
   * @throws dev.fima.api.ConfigException naming the field when the name is unknown or the
   *     configuration does not fit the architecture
   */
  public static VideoBackbone create(BackboneConfig config) {
    return BackboneRegistry.get(config.name()).build(config);
  }

  /**
   * Returns the registered backbone names.
   *
   * @return the names
   */
  public static List<String> names() {
    return BackboneRegistry.names();
  }

  /**
   * Initialises a backbone's parameters on the manager's device for clips of a given size.
   *
   * @param backbone the backbone
   * @param manager manager that owns the parameters
   * @param frames clip length
   * @param crop clip side
   */
  public static void initialize(VideoBackbone backbone, NDManager manager, int frames, int crop) {
    backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, frames, crop, crop));
  }

  /**
   * Exports a backbone with the Kinetics normalisation and the clip size it was initialised for.
   *
   * @param backbone an initialised backbone
   * @param dir the folder to write
   * @param extraDescriptorFields extra top-level descriptor fields, such as the pretraining
   *     configuration and results
   * @return the descriptor written
   */
  public static BackboneDescriptor save(
      VideoBackbone backbone, Path dir, Map<String, Object> extraDescriptorFields) {
    return save(backbone, kineticsInput(backbone), dir, extraDescriptorFields);
  }

  /**
   * Returns the input of an initialised backbone that has no descriptor: the clip size it was
   * initialised for, with the Kinetics normalisation every FIMA-J pipeline uses.
   *
   * @param backbone an initialised backbone
   * @return its input description
   */
  public static BackboneInput kineticsInput(VideoBackbone backbone) {
    Shape in = backbone.getInputShapes()[0];
    return BackboneInput.kinetics((int) in.get(2), (int) in.get(3));
  }

  /**
   * Exports a backbone: parameters and JSON descriptor, each replaced atomically.
   *
   * @param backbone an initialised backbone
   * @param input clip size and normalisation to record
   * @param dir the folder to write
   * @param extraDescriptorFields extra top-level descriptor fields
   * @return the descriptor written
   */
  public static BackboneDescriptor save(
      VideoBackbone backbone,
      BackboneInput input,
      Path dir,
      Map<String, Object> extraDescriptorFields) {
    return BackboneArchive.save(backbone, input, dir, extraDescriptorFields);
  }

  /**
   * Rebuilds an exported backbone on the manager's device.
   *
   * @param dir the export folder
   * @param manager manager that owns the parameters
   * @return the backbone and its descriptor
   * @throws dev.fima.api.DataException naming the file or parameter when the export is unusable
   */
  public static LoadedBackbone load(Path dir, NDManager manager) {
    return BackboneArchive.load(dir, manager);
  }

  /**
   * Loads an export into an existing initialised backbone of the same architecture.
   *
   * @param dir the export folder
   * @param target the backbone to overwrite
   * @return the descriptor
   * @throws dev.fima.api.DataException naming the parameter on any name or shape mismatch; nothing
   *     is loaded then
   */
  public static BackboneDescriptor loadInto(Path dir, VideoBackbone target) {
    return BackboneArchive.loadInto(dir, target);
  }
}
