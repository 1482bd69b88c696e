package dev.fima.datasets.index;

import ai.djl.util.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.io.TempFiles;
import dev.fima.datasets.io.AtomicMove;
import dev.fima.datasets.video.BadVideoException;
import dev.fima.datasets.video.VideoInfo;
import dev.fima.datasets.video.VideoReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link ClipIndex} by probing videos in parallel ({@link VideoReader#probe}), with a
 * progress line that counts the quarantined videos, and caches the result in a JSON metadata file
 * beside the data so that a second start only checks file sizes and modification times. A cached
 * entry is reused only while its video keeps the same size and modification time; the cache is
 * rewritten atomically (temporary file, then rename) whenever an entry changed. A folder that
 * cannot be written to simply gets no cache.
 */
public final class ClipIndexer {

  private static final Logger LOG = LoggerFactory.getLogger(ClipIndexer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

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
          infos[i] =
              new VideoInfo(
                  cached.path("frames").asInt(),
                  cached.path("fps").asDouble(),
                  cached.path("width").asInt(),
                  cached.path("height").asInt());
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
    if (todo.isEmpty()) {
      return;
    }
    AtomicInteger done = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    if (bar != null) {
      bar.reset("Indexing " + todo.size() + " videos", todo.size());
      bar.start(0);
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(threads, todo.size()),
            r -> {
              Thread t = new Thread(r, "fima-index");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i : todo) {
        futures.add(
            pool.submit(
                () -> {
                  try {
                    infos[i] = VideoReader.probe(videos.get(i));
                  } catch (BadVideoException e) {
                    problems[i] = e.reason();
                    bad.incrementAndGet();
                  }
                  int d = done.incrementAndGet();
                  if (bar != null) {
                    synchronized (bar) {
                      bar.update(d, bad.get() + " quarantined");
                    }
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while indexing videos", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("indexing failed", e.getCause());
    } finally {
      pool.shutdownNow();
      if (bar != null) {
        bar.end();
      }
    }
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
      if (node instanceof ObjectNode o && o.path("format").asInt() == FORMAT) {
        return o;
      }
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
        v.put("frames", infos[i].frames());
        v.put("fps", infos[i].fps());
        v.put("width", infos[i].width());
        v.put("height", infos[i].height());
      } else {
        v.put("problem", problems[i]);
      }
    }
    Path tmp = null;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      tmp = TempFiles.createFile(file.toAbsolutePath().getParent(), ".fima-index", ".tmp");
      JSON.writeValue(tmp.toFile(), root);
      AtomicMove.replace(tmp, file);
    } catch (IOException e) {
      LOG.warn("cannot write the clip index cache {}: {}", file, e.getMessage());
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The temporary file is harmless; the cache is only an optimisation.
        }
      }
    }
  }
}
