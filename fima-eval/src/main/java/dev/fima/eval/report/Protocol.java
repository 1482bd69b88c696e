package dev.fima.eval.report;

import ai.djl.Device;
import dev.fima.api.config.ClipConfig;
import dev.fima.api.config.DataConfig;
import dev.fima.api.config.RunConfig;
import dev.fima.api.data.VideoCatalog;
import dev.fima.djl.nd.EngineThreads;
import dev.fima.djl.train.RunInfo;
import dev.fima.eval.backbone.OpenedBackbone;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the protocol block of a report: everything a number depends on (dataset, split, backbone,
 * clip geometry, clips x crops, epochs, batch, learning rate, seed, devices and software versions),
 * in a stable order.
 */
public final class Protocol {

  private final Map<String, Object> entries = new LinkedHashMap<>();

  private Protocol() {}

  /**
   * Starts a protocol with the entries every evaluation shares.
   *
   * @param data the dataset configuration
   * @param catalog the catalog read from it
   * @param clip the clip geometry
   * @param run seed and devices
   * @param device the device used
   * @return the protocol, to be completed with {@link #put}
   */
  public static Protocol start(
      DataConfig data, VideoCatalog catalog, ClipConfig clip, RunConfig run, Device device) {
    Protocol p = new Protocol();
    p.put("dataset", data.dataset().name().toLowerCase(java.util.Locale.ROOT));
    p.put("datasetRoot", data.root() == null ? null : Path.of(data.root()).toAbsolutePath());
    p.put("split", data.split());
    p.put("catalog", catalog.name());
    p.put("classes", catalog.classNames().size());
    p.put("frames", clip.frames());
    p.put("stride", clip.stride());
    p.put("crop", clip.crop());
    p.put("shortSide", data.shortSide());
    p.put("seed", run.seed());
    p.put("device", device.toString());
    p.put("threads", EngineThreads.current());
    return p;
  }

  /**
   * Adds the backbone spec and its descriptor summary.
   *
   * @param backbone the backbone used
   * @param digest the SHA-256 of its parameters
   * @return this
   */
  public Protocol backbone(OpenedBackbone backbone, String digest) {
    put("backbone", backbone.spec().text());
    put("backboneDescriptor", new LinkedHashMap<>(backbone.descriptor()));
    put("backboneParameterSha256", digest);
    return this;
  }

  /**
   * Adds or replaces one entry.
   *
   * @param key entry name
   * @param value its value (JSON-serialisable)
   * @return this
   */
  public Protocol put(String key, Object value) {
    entries.put(key, value instanceof Path path ? path.toString() : value);
    return this;
  }

  /**
   * Finishes the protocol with the software versions.
   *
   * @return the entries, in insertion order
   */
  public Map<String, Object> build() {
    Map<String, Object> out = new LinkedHashMap<>(entries);
    out.put("versions", RunInfo.versions());
    return out;
  }
}
