package dev.fima.eval.backbone;

import dev.fima.djl.backbone.VideoBackbone;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An initialised backbone together with what produced it, so that reports can name it.
 *
 * @param block the backbone, parameters initialised on the manager it was opened with
 * @param spec the spec it was resolved from
 * @param descriptor a summary of its descriptor: architecture, width, clip geometry and
 *     normalisation it was trained with, and its pretraining configuration and results when known;
 *     {@code random} backbones describe their architecture and seed
 */
public record OpenedBackbone(
    VideoBackbone block, BackboneSpec spec, Map<String, Object> descriptor) {

  /** Copies the descriptor, keeping its order. */
  public OpenedBackbone {
    descriptor = Collections.unmodifiableMap(new LinkedHashMap<>(descriptor));
  }
}
