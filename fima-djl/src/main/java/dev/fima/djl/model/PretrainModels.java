package dev.fima.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.ConfigException;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.ForegroundMode;
import dev.fima.api.config.Method;
import dev.fima.api.config.ModelConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.VideoBackbone;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds the pretraining model of a configuration, after checking the combinations that only the
 * backbone can judge, so that an impossible run fails at once with the field to change rather than
 * in step 500.
 */
public final class PretrainModels {

  private PretrainModels() {}

  /**
   * Validates and builds the model on one device, the manager's.
   *
   * @param config the run configuration
   * @param manager manager that owns the parameters
   * @return FIMA or the MoCo baseline, initialised for the configured clip size
   * @throws ConfigException naming the field when the configuration cannot work
   */
  public static PretrainModel create(PretrainConfig config, NDManager manager) {
    return create(config, manager, manager.getDevice());
  }

  /**
   * Validates and builds the model over several devices.
   *
   * @param config the run configuration
   * @param manager manager that owns the parameters, on the first device
   * @param devices devices the batch is spread over, the primary first
   * @return FIMA or the MoCo baseline
   * @throws ConfigException naming the field when the configuration cannot work
   */
  public static PretrainModel create(PretrainConfig config, NDManager manager, Device... devices) {
    return byMethod(builtIn()).create(config, manager, devices);
  }

  /**
   * Returns the model of each method FIMA-J has: FIMA and the MoCo baseline.
   *
   * @return the models by {@code model.method}
   */
  public static Map<Method, PretrainModelFactory> builtIn() {
    Map<Method, PretrainModelFactory> models = new EnumMap<>(Method.class);
    models.put(Method.FIMA, FimaPretrainModel::new);
    models.put(Method.MOCO, MocoModel::new);
    return Collections.unmodifiableMap(models);
  }

  /**
   * Returns a factory that validates a configuration ({@link #validate}) and builds the model its
   * {@code model.method} names.
   *
   * @param models the model of each method (the {@link #builtIn} ones, or those Guice binds)
   * @return the factory
   */
  public static PretrainModelFactory byMethod(Map<Method, PretrainModelFactory> models) {
    Map<Method, PretrainModelFactory> table = Map.copyOf(models);
    return (config, manager, devices) -> {
      validate(config);
      Method method = config.model().method();
      PretrainModelFactory model = table.get(method);
      if (model == null) {
        throw new ConfigException(
            "model.method",
            "no model is bound for " + method + "; bound: " + new TreeSet<>(table.keySet()));
      }
      return model.create(config, manager, devices);
    };
  }

  /**
   * Checks that clip, backbone and model fit together: frames a multiple of the temporal stride,
   * crop a multiple of the backbone's crop step, one local clip per temporal slice (FIMA), local
   * clips long enough for a frame difference, a token width the positional encoding can split, and
   * a crop the top-k foreground grid divides.
   *
   * @param config the run configuration
   * @throws ConfigException naming the first field at fault
   */
  public static void validate(PretrainConfig config) {
    VideoBackbone backbone = Backbones.create(config.backbone());
    ClipConfig clip = config.clip();
    ModelConfig model = config.model();
    String name = config.backbone().name();
    if (clip.frames() % backbone.temporalStride() != 0) {
      throw new ConfigException(
          "clip.frames",
          "must be a multiple of the temporal stride "
              + backbone.temporalStride()
              + " of "
              + name
              + ", got "
              + clip.frames()
              + " (or set backbone.temporalStride)");
    }
    if (clip.crop() % backbone.cropMultiple() != 0) {
      throw new ConfigException(
          "clip.crop",
          "must be a multiple of "
              + backbone.cropMultiple()
              + " for "
              + name
              + " (spatial stride "
              + backbone.spatialStride()
              + "), got "
              + clip.crop());
    }
    if (model.method() != Method.FIMA) {
      return;
    }
    Shape map = backbone.featureMapShape(clip.frames(), clip.crop());
    long slices = map.get(2);
    if (clip.localClips() != slices) {
      throw new ConfigException(
          "clip.localClips",
          "must equal the "
              + slices
              + " temporal slices of "
              + name
              + " at "
              + clip.frames()
              + " frames (frames / temporal stride "
              + backbone.temporalStride()
              + "): one local clip per slice; got "
              + clip.localClips());
    }
    if (clip.localClipFrames() < 2) {
      throw new ConfigException(
          "clip.localClips",
          "leaves "
              + clip.localClipFrames()
              + " frame per local clip; a frame difference needs at least 2");
    }
    int multiple = SinePositionalEncoding.requiredMultiple(model.positional());
    if (model.useDecoder() && model.decoderDim() % multiple != 0) {
      throw new ConfigException(
          "model.decoderDim",
          "must be a multiple of "
              + multiple
              + " for positional encoding "
              + model.positional()
              + ", got "
              + model.decoderDim());
    }
    if (model.foreground() == ForegroundMode.TOP_K_DIFF
        && (clip.crop() % map.get(3) != 0 || clip.crop() % map.get(4) != 0)) {
      throw new ConfigException(
          "model.foreground",
          "TOP_K_DIFF sums pixels per grid cell, but the "
              + map.get(3)
              + "x"
              + map.get(4)
              + " grid of "
              + name
              + " does not divide crop "
              + clip.crop());
    }
  }
}
