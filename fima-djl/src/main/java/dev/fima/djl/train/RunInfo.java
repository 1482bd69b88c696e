package dev.fima.djl.train;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fima.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file {@code run-info.json} of a training run folder: the seed, the software versions (FIMA-J,
 * DJL, the engine and its libtorch, Java) and, for a resumed run, the checkpoint it continued from,
 * so that every result carries what produced it besides its {@code config.yaml}.
 */
public final class RunInfo {

  /** The file name inside a run folder. */
  public static final String FILE = "run-info.json";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private RunInfo() {}

  /**
   * Returns the software versions of this process.
   *
   * @return {@code fima-j}, {@code djl}, {@code engine} (name and libtorch version), {@code java}
   */
  public static Map<String, String> versions() {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("fima-j", fimaVersion());
    versions.put("djl", Engine.getDjlVersion());
    Engine engine = Engine.getInstance();
    versions.put("engine", engine.getEngineName() + " " + engine.getVersion());
    versions.put("java", Runtime.version().toString());
    return versions;
  }

  /**
   * Returns the version of FIMA-J itself, without starting the engine.
   *
   * @return the jar's implementation version, or {@code development build} outside a jar
   */
  public static String fimaVersion() {
    String fima = RunInfo.class.getPackage().getImplementationVersion();
    return fima == null ? "development build" : fima;
  }

  /**
   * Writes (atomically, replacing an earlier one) the run information into a run folder.
   *
   * @param runDir the run folder
   * @param seed the run seed
   * @param resumedFrom the checkpoint the run continued from, or {@code null}
   * @throws IOException when the file cannot be written
   */
  public static void write(Path runDir, long seed, Path resumedFrom) throws IOException {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("seed", seed);
    info.put("versions", versions());
    info.put("started", Instant.now().toString());
    info.put("resumedFrom", resumedFrom == null ? null : resumedFrom.toAbsolutePath().toString());
    info.put("configuration", "config.yaml");
    AtomicFiles.writeString(runDir.resolve(FILE), JSON.writeValueAsString(info));
  }
}
