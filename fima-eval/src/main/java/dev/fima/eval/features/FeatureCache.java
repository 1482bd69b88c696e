package dev.fima.eval.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fima.api.DataException;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.api.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracted features stored in the output folder, keyed by everything that produced them (the
 * backbone's parameter digest, dataset, split, video list, clip geometry, clips and crops). A file
 * is reused only when its stored key equals the requested one, so changing any of those rebuilds
 * it, and a new file replaces an old one atomically.
 *
 * <pre>{@code
 * FeatureCache cache = new FeatureCache(outputDir.resolve("features"));
 * ClipFeatures train = cache.getOrCompute("train", key, () -> FrozenFeatures.extract(...));
 * }</pre>
 */
public final class FeatureCache {

  private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
  private static final String MAGIC = "FIMA-J features";
  private static final int FORMAT = 2;
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private final Path folder;

  /**
   * Creates a cache in a folder (created on first store).
   *
   * @param folder where the feature files live
   */
  public FeatureCache(Path folder) {
    this.folder = folder;
  }

  /** What a lookup found, for reports. */
  public enum Outcome {
    /** The file existed and its key matched. */
    REUSED,
    /** There was no usable file, or its key differed; the features were extracted again. */
    BUILT
  }

  /**
   * Features with how they were obtained.
   *
   * @param features the features
   * @param outcome reused or built
   * @param file the cache file
   */
  public record Result(ClipFeatures features, Outcome outcome, Path file) {}

  /**
   * Returns the cached features when the key matches, otherwise computes and stores them.
   *
   * @param name file name stem, e.g. {@code train}
   * @param key what produced the features; values must be JSON-serialisable
   * @param compute extracts the features
   * @return the features and whether they were reused
   */
  public Result getOrCompute(String name, Map<String, Object> key, Supplier<ClipFeatures> compute) {
    Path file = fileOf(name);
    Optional<ClipFeatures> cached = load(name, key);
    if (cached.isPresent()) {
      return new Result(cached.get(), Outcome.REUSED, file);
    }
    ClipFeatures features = compute.get();
    store(name, key, features);
    return new Result(features, Outcome.BUILT, file);
  }

  /**
   * Loads features if a file with exactly this key exists.
   *
   * @param name file name stem
   * @param key the expected key
   * @return the features, or empty when missing, produced by something else, or unreadable
   */
  public Optional<ClipFeatures> load(String name, Map<String, Object> key) {
    Path file = fileOf(name);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String expected = canonical(key);
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (!MAGIC.equals(in.readUTF()) || in.readInt() != FORMAT) {
        LOG.warn("{}: not a feature file of this version; extracting again", file);
        return Optional.empty();
      }
      String stored = readString(in);
      if (!stored.equals(expected)) {
        LOG.info("{}: produced by a different backbone, data or geometry; extracting again", file);
        return Optional.empty();
      }
      return Optional.of(readBody(in));
    } catch (EOFException e) {
      LOG.warn("{}: truncated; extracting again", file);
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("{}: unreadable ({}); extracting again", file, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Stores features under a key, replacing any previous file atomically.
   *
   * @param name file name stem
   * @param key what produced the features
   * @param features the features
   * @throws DataException when the folder cannot be written
   */
  public void store(String name, Map<String, Object> key, ClipFeatures features) {
    Path file = fileOf(name);
    try {
      AtomicFiles.write(
          file,
          os -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT);
            writeString(out, canonical(key));
            writeBody(out, features);
            out.flush();
          });
    } catch (IOException e) {
      throw new DataException(file, "cannot write the feature cache: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the file a name is stored in.
   *
   * @param name file name stem
   * @return {@code <folder>/<name>.features}
   */
  public Path fileOf(String name) {
    return folder.resolve(name + ".features");
  }

  /**
   * Returns the canonical JSON of a key (map entries sorted), the form keys are compared in.
   *
   * @param key the key
   * @return its canonical JSON
   */
  public static String canonical(Map<String, Object> key) {
    try {
      return CANONICAL.writeValueAsString(key);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("feature cache key is not serialisable: " + key, e);
    }
  }

  private static void writeBody(DataOutputStream out, ClipFeatures f) throws IOException {
    out.writeInt(f.size());
    out.writeInt(f.views());
    out.writeInt(f.channels());
    for (int i = 0; i < f.size(); i++) {
      out.writeInt(f.labels()[i]);
      out.writeInt(f.videoIndices()[i]);
    }
    float[] v = f.values();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; ) {
      buf.clear();
      int n = Math.min(v.length - i, buf.capacity() / Float.BYTES);
      buf.asFloatBuffer().put(v, i, n);
      out.write(buf.array(), 0, n * Float.BYTES);
      i += n;
    }
    out.writeLong(f.clampedViews());
    out.writeInt(f.skipped().size());
    for (QuarantineEntry q : f.skipped()) {
      writeString(out, q.video().toString());
      writeString(out, q.reason());
    }
  }

  private static ClipFeatures readBody(DataInputStream in) throws IOException {
    int n = in.readInt();
    int views = in.readInt();
    int channels = in.readInt();
    if (n < 0 || views < 0 || channels < 0) {
      throw new IOException("negative sizes");
    }
    int[] labels = new int[n];
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = in.readInt();
      indices[i] = in.readInt();
    }
    float[] v = new float[Math.multiplyExact(Math.multiplyExact(n, views), channels)];
    byte[] bytes = new byte[1 << 16];
    for (int i = 0; i < v.length; ) {
      int n4 = Math.min(v.length - i, bytes.length / Float.BYTES);
      in.readFully(bytes, 0, n4 * Float.BYTES);
      ByteBuffer.wrap(bytes, 0, n4 * Float.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(v, i, n4);
      i += n4;
    }
    long clamped = in.readLong();
    int skippedCount = in.readInt();
    List<QuarantineEntry> skipped = new ArrayList<>();
    for (int i = 0; i < skippedCount; i++) {
      skipped.add(new QuarantineEntry(Path.of(readString(in)), readString(in)));
    }
    return new ClipFeatures(views, channels, v, labels, indices, skipped, clamped);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > (64 << 20)) {
      throw new IOException("bad string length " + len);
    }
    byte[] b = new byte[len];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
