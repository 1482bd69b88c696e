package dev.fima.datasets.index;

import ai.djl.util.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.io.AtomicFiles;
import dev.fima.datasets.io.ParallelFiles;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.FrameTimestamps;
import dev.fima.datasets.video.VideoInfo;
import dev.fima.datasets.video.VideoReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link ClipIndex} by probing videos in parallel ({@link VideoReader#probe}: a full
 * decode of each, as torchvision's {@code VideoClips} reads every video's timestamps), with a
 * progress line that counts the quarantined videos, and caches the result in a JSON metadata file
 * beside the data so that a second start only checks file sizes and modification times. A cached
 * entry is reused only while its video keeps the same size and modification time; the cache is
 * rewritten atomically (temporary file, then rename) whenever an entry changed. A folder that
 * cannot be written to simply gets no cache.
 *
 * <p>The cache names its format version and the FFmpeg build that probed it; a cache of another
 * version or build (an older FIMA-J counted frames differently) is ignored whole and rebuilt, never
 * read in part. Each video's timestamps are stored as their first value and runs of equal steps,
 * {@code "pts": [start, [count, step], ...]}.
 */
public final class ClipIndexer {

  private static final Logger LOG = LoggerFactory.getLogger(ClipIndexer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Version 2: timestamps per video, header frame count, truncation (version 1 had neither). */
  static final int FORMAT = 2;

  private final int threads;
  private int probed;

  /**
   * Creates an indexer.
   *
   * @param threads probing threads, at least 1
   */
  public ClipIndexer(int threads) {
    this.threads = Math.max(1, threads);
  }

  /**
   * Returns how many videos the last {@link #index} call actually probed (the others came from the
   * cache).
   *
   * @return the count
   */
  public int probed() {
    return probed;
  }

  /**
   * Indexes videos.
   *
   * @param videos the files, in the order the index will use
   * @param cacheFile the metadata file beside the data, or {@code null} for no cache
   * @param progress receives the progress, or {@code null}
   * @return the index
   */
  public ClipIndex index(List<Path> videos, Path cacheFile, Progress progress) {
    ObjectNode cache = cacheFile == null ? null : readCache(cacheFile);
    Path base = cacheFile == null ? null : cacheFile.toAbsolutePath().getParent();
    int n = videos.size();
    VideoInfo[] infos = new VideoInfo[n];
    String[] problems = new String[n];
    String[] keys = new String[n];
    long[][] stamps = new long[n][];
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path video = videos.get(i);
      stamps[i] = stamp(video);
      keys[i] = base == null ? video.toString() : key(base, video);
      JsonNode cached = cache == null ? null : cache.path("videos").get(keys[i]);
      if (cached != null
          && stamps[i] != null
          && cached.path("size").asLong(-1) == stamps[i][0]
          && cached.path("modified").asLong(-1) == stamps[i][1]) {
        if (cached.hasNonNull("problem")) {
          problems[i] = cached.get("problem").asText();
        } else {
          infos[i] = fromJson(cached);
          if (infos[i] == null) {
            todo.add(i);
          }
        }
      } else if (stamps[i] == null) {
        problems[i] = "missing or unreadable file";
      } else {
        todo.add(i);
      }
    }
    probed = todo.size();
    probeAll(videos, todo, infos, problems, progress);
    if (cacheFile != null && (!todo.isEmpty() || cache == null)) {
      writeCache(cacheFile, cache, keys, stamps, infos, problems);
    }
    return new ClipIndex(videos, infos, problems);
  }

  private void probeAll(
      List<Path> videos, List<Integer> todo, VideoInfo[] infos, String[] problems, Progress bar) {
    ParallelFiles.run(
        todo.size(),
        threads,
        "fima-index",
        bar,
        "Indexing " + todo.size() + " videos",
        "quarantined",
        k -> {
          int i = todo.get(k);
          try {
            infos[i] = VideoReader.probe(videos.get(i));
            return true;
          } catch (BadVideoException e) {
            problems[i] = e.reason();
            return false;
          }
        });
  }

  /** The FFmpeg libraries whose decode the cache records (their timestamps and frame counts). */
  private static String decoderBuild() {
    return "avformat " + avformat.avformat_version() + ", avcodec " + avcodec.avcodec_version();
  }

  private static void toJson(VideoInfo info, ObjectNode v) {
    v.put("frames", info.frames());
    v.put("headerFrames", info.headerFrames());
    v.put("truncated", info.truncated());
    v.put("fps", info.fps());
    v.put("width", info.width());
    v.put("height", info.height());
    FrameTimestamps t = info.timestamps();
    if (t.byCount()) {
      v.put("byCount", true);
    } else {
      ArrayNode pts = v.putArray("pts");
      pts.add(t.start());
      int[] lengths = t.runLengths();
      long[] steps = t.runSteps();
      for (int r = 0; r < lengths.length; r++) {
        pts.addArray().add(lengths[r]).add(steps[r]);
      }
    }
  }

  /** Reads an entry back, or returns {@code null} for an entry that does not parse. */
  private static VideoInfo fromJson(JsonNode v) {
    try {
      return parse(v);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static VideoInfo parse(JsonNode v) {
    int frames = v.path("frames").asInt();
    FrameTimestamps timestamps;
    if (v.path("byCount").asBoolean(false)) {
      timestamps = FrameTimestamps.counted(frames);
    } else {
      JsonNode pts = v.path("pts");
      int runs = pts.size() - 1;
      int[] lengths = new int[Math.max(0, runs)];
      long[] steps = new long[Math.max(0, runs)];
      for (int r = 0; r < runs; r++) {
        lengths[r] = pts.get(r + 1).get(0).asInt();
        steps[r] = pts.get(r + 1).get(1).asLong();
      }
      timestamps = FrameTimestamps.restore(pts.get(0).asLong(), lengths, steps, false);
    }
    return new VideoInfo(
        frames,
        v.path("fps").asDouble(),
        v.path("width").asInt(),
        v.path("height").asInt(),
        v.path("headerFrames").asInt(),
        v.path("truncated").asBoolean(),
        timestamps);
  }

  private static String key(Path base, Path video) {
    Path abs = video.toAbsolutePath();
    return abs.startsWith(base)
        ? base.relativize(abs).toString().replace('\\', '/')
        : abs.toString();
  }

  private static long[] stamp(Path video) {
    try {
      BasicFileAttributes a = Files.readAttributes(video, BasicFileAttributes.class);
      return a.isRegularFile() ? new long[] {a.size(), a.lastModifiedTime().toMillis()} : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static ObjectNode readCache(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node instanceof ObjectNode o
          && o.path("format").asInt() == FORMAT
          && o.path("ffmpeg").asText().equals(decoderBuild())) {
        return o;
      }
      LOG.info("rebuilding the clip index {}: written by another version", file);
    } catch (IOException e) {
      LOG.warn("ignoring unreadable clip index cache {}: {}", file, e.getMessage());
    }
    return null;
  }

  /**
   * Writes the cache, keeping the entries of videos outside this list (the train and test lists of
   * one dataset share a cache file).
   */
  private static void writeCache(
      Path file,
      ObjectNode previous,
      String[] keys,
      long[][] stamps,
      VideoInfo[] infos,
      String[] problems) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("ffmpeg", decoderBuild());
    ObjectNode videos = root.putObject("videos");
    if (previous != null && previous.path("videos") instanceof ObjectNode old) {
      videos.setAll(old);
    }
    for (int i = 0; i < keys.length; i++) {
      if (stamps[i] == null) {
        continue;
      }
      ObjectNode v = videos.putObject(keys[i]);
      v.put("size", stamps[i][0]);
      v.put("modified", stamps[i][1]);
      if (infos[i] != null) {
        toJson(infos[i], v);
      } else {
        v.put("problem", problems[i]);
      }
    }
    try {
      AtomicFiles.write(file, out -> JSON.writeValue(out, root));
    } catch (IOException e) {
      // The cache is only an optimisation: the next run indexes again.
      LOG.warn("cannot write the clip index cache {}: {}", file, e.getMessage());
    }
  }
}
