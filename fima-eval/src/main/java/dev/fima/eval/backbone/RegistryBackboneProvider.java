package dev.fima.eval.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fima.api.DataException;
import dev.fima.api.config.BackboneConfig;
import dev.fima.api.config.ClipConfig;
import dev.fima.djl.backbone.BackboneArchive;
import dev.fima.djl.backbone.BackboneDescriptor;
import dev.fima.djl.backbone.BackboneInput;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.LoadedBackbone;
import dev.fima.djl.backbone.VideoBackbone;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backbones from fima-djl: {@code random:<name>} builds a registry backbone and initialises it with
 * the run's seed; a folder is loaded with {@link Backbones#load}, which rebuilds the recorded
 * architecture and refuses any missing, extra or differently shaped parameter, naming it.
 */
public final class RegistryBackboneProvider implements BackboneProvider {

  @Override
  public OpenedBackbone open(BackboneSpec spec, ClipConfig clip, NDManager manager, long seed) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    VideoBackbone backbone;
    if (spec.isRandom()) {
      backbone = Backbones.create(spec.random());
      Engine.getInstance().setRandomSeed((int) seed);
      Backbones.initialize(backbone, manager, clip.frames(), clip.crop());
      describe(descriptor, backbone);
      descriptor.put("initialisation", "random, seed " + seed);
    } else {
      LoadedBackbone loaded = Backbones.load(spec.folder(), manager);
      backbone = loaded.backbone();
      BackboneDescriptor d = loaded.descriptor();
      BackboneInput input = d.input();
      requirePipelineNormalisation(spec.folder(), input);
      describe(descriptor, backbone);
      descriptor.put("trainedOn", input.frames() + " frames, " + input.crop() + " px");
      descriptor.put("normalisation", "mean " + input.mean() + ", std " + input.std());
      descriptor.put("parametersSha256", d.parametersSha256());
      descriptor.putAll(d.extra());
    }
    return new OpenedBackbone(backbone, spec, descriptor);
  }

  /**
   * Refuses an exported backbone that expects another normalisation than the data pipeline's
   * ({@link dev.fima.api.data.ClipAugmenter#normalize}, the Kinetics statistics), so that no
   * feature is ever computed from clips normalised differently from its training clips.
   *
   * @param folder the export folder, named in the error
   * @param input what the backbone's descriptor says it expects
   * @throws DataException naming the descriptor when the statistics differ
   */
  public static void requirePipelineNormalisation(Path folder, BackboneInput input) {
    if (!input.mean().equals(BackboneInput.KINETICS_MEAN)
        || !input.std().equals(BackboneInput.KINETICS_STD)) {
      throw new DataException(
          folder.resolve(BackboneArchive.DESCRIPTOR_FILE),
          "the backbone expects inputs normalised with mean "
              + input.mean()
              + " and std "
              + input.std()
              + ", but the data pipeline normalises with the Kinetics statistics "
              + BackboneInput.KINETICS_MEAN
              + " / "
              + BackboneInput.KINETICS_STD);
    }
  }

  @Override
  public void save(VideoBackbone backbone, Path folder, Map<String, Object> notes) {
    Backbones.save(backbone, folder, notes);
  }

  private static void describe(Map<String, Object> descriptor, VideoBackbone backbone) {
    BackboneConfig c = backbone.config();
    descriptor.put("architecture", c.name());
    descriptor.put("width", c.width());
    descriptor.put("blocks", c.blocks());
    descriptor.put("temporalStride", backbone.temporalStride());
    descriptor.put("featureChannels", backbone.featureChannels());
  }
}
