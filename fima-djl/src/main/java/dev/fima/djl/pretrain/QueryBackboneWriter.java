package dev.fima.djl.pretrain;

import dev.fima.djl.backbone.VideoBackbone;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a pretrained query backbone in the exported form evaluation loads (parameters plus a JSON
 * descriptor): {@code Backbones.save} unless the exporter is given another; a seam so that the
 * export logic does not depend on the archive format.
 */
public interface QueryBackboneWriter {

  /**
   * Writes the backbone.
   *
   * @param backbone the initialised backbone with its trained values
   * @param dir the folder to write
   * @param extraDescriptorFields fields added to the descriptor, such as the pretraining
   *     configuration and where it came from
   */
  void write(VideoBackbone backbone, Path dir, Map<String, Object> extraDescriptorFields);
}
