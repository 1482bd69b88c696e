package dev.fima.collectives;

import dev.fima.api.FimaException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The collective worker's class path: this module's own classes, then the PyTorch preset's jars
 * exactly as Maven resolved them when this module was built. The build lists them, relative to the
 * local Maven repository, in {@code worker.properties} (the dependency plugin's {@code
 * build-classpath}), so the list is Maven's resolution, never one kept by hand. At run time each
 * entry is looked up in the local repository: {@code -Dmaven.repo.local} if set, the one the build
 * used, then {@code ~/.m2/repository}.
 *
 * <p>Why not a shaded jar: it would repack the 90 MB preset on every build, and the packaged
 * command line already takes its jars from the local repository that built it. Why not beside the
 * other jars of the command line: the worker's classes would then share a class path with DJL and
 * JavaCV, and Maven's version mediation would pick one JavaCPP for both (it is 1.5.13 here and
 * 1.5.14 there). Machines without that repository name the jars in {@value #ENV} (or the system
 * property {@value #PROPERTY}): a class path, or a folder holding them.
 */
final class WorkerClasspath {

  /** Environment variable that names the preset's jars instead. */
  static final String ENV = "FIMA_COLLECTIVES_CLASSPATH";

  /** System property that names the preset's jars instead (wins over {@value #ENV}). */
  static final String PROPERTY = "fima.collectives.classpath";

  /** The worker's main class (named, not referenced: its class must not load in a rank's JVM). */
  static final String MAIN_CLASS = "dev.fima.collectives.CollectiveWorker";

  private static final String MANIFEST = "worker.properties";

  private static final String REPOSITORY_TOKEN = "MAVEN_REPOSITORY";

  private WorkerClasspath() {}

  /**
   * Returns the worker's class path.
   *
   * @return the entries joined by the platform's path separator
   * @throws FimaException naming the missing jar and how to get it
   */
  static String resolve() {
    String override = System.getProperty(PROPERTY, System.getenv(ENV));
    List<Path> entries = new ArrayList<>();
    entries.add(ownLocation());
    if (override != null && !override.isBlank()) {
      entries.addAll(explicit(override));
    } else {
      Properties manifest = manifest();
      entries.addAll(presetJars(manifest, repositories(System.getProperties(), manifest)));
    }
    return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
  }

  /**
   * Finds each jar of the manifest in the first repository that holds it.
   *
   * @param manifest the build's {@code worker.properties}
   * @param repositories local Maven repositories, in the order to look
   * @return the jars
   * @throws FimaException naming the first jar no repository holds
   */
  static List<Path> presetJars(Properties manifest, List<Path> repositories) {
    List<Path> jars = new ArrayList<>();
    for (String entry : manifest.getProperty("classpath", "").split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String relative = entry.strip().replaceFirst("^" + REPOSITORY_TOKEN + "/", "");
      Path found =
          repositories.stream()
              .map(r -> r.resolve(relative))
              .filter(Files::isRegularFile)
              .findFirst()
              .orElseThrow(
                  () ->
                      new FimaException(
                          "the collective worker needs "
                              + relative
                              + ", which is in none of the Maven repositories "
                              + repositories
                              + ": build the project with Maven on this machine (`mvn -B -ntp"
                              + " -DskipTests -pl fima-collectives -am package` downloads the"
                              + " PyTorch preset, about 90 MB), or name its jars in "
                              + ENV));
      jars.add(found);
    }
    if (jars.isEmpty()) {
      throw new FimaException(
          MANIFEST + " lists no jar for the collective worker: rebuild fima-collectives");
    }
    return jars;
  }

  /**
   * Returns the local repositories to look in: {@code maven.repo.local}, the build's, {@code
   * ~/.m2/repository}, each once.
   *
   * @param properties the system properties
   * @param manifest the build's {@code worker.properties}
   * @return the repositories in order
   */
  static List<Path> repositories(Map<Object, Object> properties, Properties manifest) {
    LinkedHashSet<Path> repos = new LinkedHashSet<>();
    Object local = properties.get("maven.repo.local");
    if (local != null && !local.toString().isBlank()) {
      repos.add(Path.of(local.toString()));
    }
    String built = manifest.getProperty("localRepository", "");
    if (!built.isBlank() && !built.startsWith("${")) {
      repos.add(Path.of(built));
    }
    repos.add(Path.of(String.valueOf(properties.get("user.home")), ".m2", "repository"));
    return List.copyOf(repos);
  }

  /** Returns the jars an override names: a class path, or a folder of jars. */
  static List<Path> explicit(String override) {
    List<Path> entries = new ArrayList<>();
    for (String part : override.split(File.pathSeparator)) {
      Path p = Path.of(part.strip());
      if (Files.isDirectory(p)) {
        try (var files = Files.list(p)) {
          files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(entries::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (Files.isRegularFile(p)) {
        entries.add(p);
      } else {
        throw new FimaException(ENV + ": " + p + ": no such jar or folder");
      }
    }
    return entries;
  }

  private static Properties manifest() {
    Properties manifest = new Properties();
    try (InputStream in = WorkerClasspath.class.getResourceAsStream(MANIFEST)) {
      if (in == null) {
        throw new FimaException(
            MANIFEST + " is missing from fima-collectives: rebuild it with Maven");
      }
      manifest.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return manifest;
  }

  /** Returns the folder or jar this class (and so the worker's) was loaded from. */
  private static Path ownLocation() {
    try {
      return Path.of(
          WorkerClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate fima-collectives' classes", e);
    }
  }
}
