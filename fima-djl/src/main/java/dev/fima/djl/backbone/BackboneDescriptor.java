package dev.fima.djl.backbone;

import dev.fima.api.config.BackboneConfig;
import java.util.List;
import java.util.Map;

/**
 * The JSON descriptor written next to an exported backbone's parameters ({@code backbone.json}). It
 * holds what rebuilding and feeding the backbone needs; extra fields given at export time (the
 * pretraining configuration, results) are written at the top level too and come back in {@link
 * #extra()}.
 *
 * @param format the format tag, {@value BackboneArchive#FORMAT}
 * @param backbone the architecture configuration, enough to rebuild it from the registry
 * @param featureChannels channels C of the feature map
 * @param temporalStride T / T'
 * @param spatialStride S / h
 * @param input clip length, crop and normalisation the backbone was trained with
 * @param parametersFile name of the parameters file in the same folder
 * @param parametersSha256 SHA-256 of the parameters file, hex
 * @param parameters every parameter's name and shape, in block order
 * @param extra the extra fields, by name (not written as such: each is a top-level field)
 */
public record BackboneDescriptor(
    String format,
    BackboneConfig backbone,
    int featureChannels,
    int temporalStride,
    int spatialStride,
    BackboneInput input,
    String parametersFile,
    String parametersSha256,
    Map<String, List<Long>> parameters,
    Map<String, Object> extra) {

  /** Copies the maps. */
  public BackboneDescriptor {
    parameters =
        parameters == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    extra =
        extra == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
  }
}
