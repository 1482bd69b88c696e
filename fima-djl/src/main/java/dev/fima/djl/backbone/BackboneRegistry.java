package dev.fima.djl.backbone;

import dev.fima.api.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every backbone FIMA-J can build, by name, each with its default configuration. To add one, write
 * its {@link BackboneFactory} and list it in {@link #FACTORIES}.
 */
public final class BackboneRegistry {

  private static final List<BackboneFactory> FACTORIES =
      List.of(
          VideoResNetFactory.r3d18(),
          VideoResNetFactory.r2plus1d18(),
          I3dFactory.i3d(),
          VideoResNetFactory.r3dTiny(),
          VideoResNetFactory.r2plus1dTiny(),
          I3dFactory.i3dTiny());

  private static final Map<String, BackboneFactory> BY_NAME = index();

  private BackboneRegistry() {}

  /**
   * Returns every registered factory, full-size reference networks first.
   *
   * @return the factories
   */
  public static List<BackboneFactory> factories() {
    return FACTORIES;
  }

  /**
   * Returns the registered names.
   *
   * @return the names, in registration order
   */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * Returns the factory of a name.
   *
   * @param name the registry name
   * @return the factory
   * @throws ConfigException naming {@code backbone.name} and listing the known names
   */
  public static BackboneFactory get(String name) {
    BackboneFactory factory = BY_NAME.get(name);
    if (factory == null) {
      throw new ConfigException(
          "backbone.name", "unknown backbone '" + name + "'; known: " + String.join(", ", names()));
    }
    return factory;
  }

  private static Map<String, BackboneFactory> index() {
    Map<String, BackboneFactory> map = new LinkedHashMap<>();
    for (BackboneFactory f : FACTORIES) {
      if (map.put(f.name(), f) != null) {
        throw new IllegalStateException("backbone registered twice: " + f.name());
      }
    }
    return map;
  }
}
