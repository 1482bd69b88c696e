package dev.fima.eval.backbone;

import ai.djl.ndarray.NDManager;
import dev.fima.api.config.ClipConfig;
import dev.fima.djl.backbone.VideoBackbone;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens and writes the backbones evaluation works with. {@link RegistryBackboneProvider} uses the
 * backbone registry and exported-backbone format of {@code fima-djl}; tests bind a tiny backbone.
 */
public interface BackboneProvider {

  /**
   * Opens a backbone: loads an exported folder (checking architecture and every parameter name and
   * shape) or builds and randomly initialises a registry backbone.
   *
   * @param spec the parsed spec
   * @param clip the clip geometry it will see, for shape inference at initialisation
   * @param manager owns the parameters; its device is the device the backbone runs on
   * @param seed seed of a random initialisation
   * @return the initialised backbone with its descriptor summary
   * @throws dev.fima.api.FimaException when the folder is not a compatible backbone
   */
  OpenedBackbone open(BackboneSpec spec, ClipConfig clip, NDManager manager, long seed);

  /**
   * Writes a backbone in the exported format, so that it can be opened again (a fine-tuned backbone
   * is itself a backbone to transfer).
   *
   * @param backbone the backbone
   * @param folder the folder to write; replaced atomically
   * @param notes extra descriptor entries (provenance, training protocol, results)
   */
  void save(VideoBackbone backbone, Path folder, Map<String, Object> notes);
}
