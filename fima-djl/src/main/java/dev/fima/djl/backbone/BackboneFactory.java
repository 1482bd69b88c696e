package dev.fima.djl.backbone;

import dev.fima.api.config.BackboneConfig;

/**
 * Builds one registered backbone variant. A new architecture is one class implementing this, listed
 * in {@link BackboneRegistry}; the registry's shape, gradient and export tests then cover it.
 */
public interface BackboneFactory {

  /**
   * Returns the registry name, the value of {@code backbone.name}.
   *
   * @return the name
   */
  String name();

  /**
   * Returns a one-line description for {@code ./fima info} and error messages.
   *
   * @return the description
   */
  String description();

  /**
   * Returns the variant's default configuration, with the defaults spelled out (blocks per stage,
   * temporal stride).
   *
   * @return the default configuration
   */
  BackboneConfig defaults();

  /**
   * Builds an uninitialised backbone.
   *
   * @param config the configuration; its name is this factory's
   * @return the backbone
   * @throws dev.fima.api.ConfigException naming {@code backbone.<field>} when the configuration
   *     does not fit the architecture
   */
  VideoBackbone build(BackboneConfig config);
}
