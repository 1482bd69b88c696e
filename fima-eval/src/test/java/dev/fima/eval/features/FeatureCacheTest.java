package dev.fima.eval.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.data.QuarantineEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCacheTest {

  @TempDir Path dir;

  private static ClipFeatures sample() {
    float[] v = new float[3 * 2 * 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 0.5f - 3;
    }
    return new ClipFeatures(
        2,
        4,
        v,
        new int[] {1, 0, 1},
        new int[] {0, 2, 3},
        List.of(new QuarantineEntry(Path.of("a/b.avi"), "too short")),
        3);
  }

  private static Map<String, Object> key(String backbone) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("backbone", backbone);
    k.put("clips", 2);
    return k;
  }

  @Test
  void roundTripsExactly() {
    FeatureCache cache = new FeatureCache(dir);
    cache.store("train", key("abc"), sample());
    ClipFeatures back = cache.load("train", key("abc")).orElseThrow();
    ClipFeatures s = sample();
    assertArrayEquals(s.values(), back.values());
    assertArrayEquals(s.labels(), back.labels());
    assertArrayEquals(s.videoIndices(), back.videoIndices());
    assertEquals(s.skipped(), back.skipped());
    assertEquals(3, back.clampedViews());
    assertEquals(2, back.views());
    assertEquals(4, back.channels());
  }

  @Test
  void keyOrderDoesNotMatterButAnyValueDoes() {
    FeatureCache cache = new FeatureCache(dir);
    cache.store("train", key("abc"), sample());
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("clips", 2);
    reordered.put("backbone", "abc");
    assertTrue(cache.load("train", reordered).isPresent());
    assertTrue(cache.load("train", key("abd")).isEmpty());
    assertTrue(cache.load("test", key("abc")).isEmpty());
  }

  @Test
  void getOrComputeExtractsOnceThenReusesAndRebuildsOnANewKey() {
    FeatureCache cache = new FeatureCache(dir);
    AtomicInteger calls = new AtomicInteger();
    FeatureCache.Result a = cache.getOrCompute("x", key("1"), () -> count(calls));
    FeatureCache.Result b = cache.getOrCompute("x", key("1"), () -> count(calls));
    FeatureCache.Result c = cache.getOrCompute("x", key("2"), () -> count(calls));
    assertEquals(FeatureCache.Outcome.BUILT, a.outcome());
    assertEquals(FeatureCache.Outcome.REUSED, b.outcome());
    assertEquals(FeatureCache.Outcome.BUILT, c.outcome());
    assertEquals(2, calls.get());
  }

  @Test
  void aTruncatedFileIsRebuiltNotTrusted() throws IOException {
    FeatureCache cache = new FeatureCache(dir);
    cache.store("train", key("abc"), sample());
    Path file = cache.fileOf("train");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 20));
    assertTrue(cache.load("train", key("abc")).isEmpty());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }

  private static ClipFeatures count(AtomicInteger calls) {
    calls.incrementAndGet();
    return sample();
  }
}
