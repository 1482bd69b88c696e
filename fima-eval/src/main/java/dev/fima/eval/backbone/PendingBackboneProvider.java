package dev.fima.eval.backbone;

import ai.djl.ndarray.NDManager;
import dev.fima.api.FimaException;
import dev.fima.api.config.ClipConfig;
import dev.fima.djl.backbone.VideoBackbone;
import java.nio.file.Path;
import java.util.Map;

/** Placeholder until the backbone registry and exported-backbone format of fima-djl land. */
final class PendingBackboneProvider implements BackboneProvider {

  private static FimaException notYet() {
    return new FimaException(
        "the backbone registry and exported-backbone format are not built yet (fima-djl backbones)");
  }

  @Override
  public OpenedBackbone open(BackboneSpec spec, ClipConfig clip, NDManager manager, long seed) {
    throw notYet();
  }

  @Override
  public void save(VideoBackbone backbone, Path folder, Map<String, Object> notes) {
    throw notYet();
  }
}
