package dev.fima.datasets.index;

import static dev.fima.datasets.TestVideos.avi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.util.Progress;
import dev.fima.api.data.QuarantineEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipIndexerTest {

  @TempDir Path dir;

  /** Records the progress messages. */
  private static final class Recorder implements Progress {
    final List<String> messages = new ArrayList<>();
    long max;

    @Override
    public void reset(String message, long max, String trailingMessage) {
      this.max = max;
    }

    @Override
    public void start(long initialProgress) {}

    @Override
    public void end() {}

    @Override
    public void increment(long increment) {}

    @Override
    public void update(long progress, String message) {
      messages.add(progress + ":" + message);
    }
  }

  private List<Path> videos() throws Exception {
    List<Path> list = new ArrayList<>();
    list.add(avi(dir.resolve("v/a.avi"), 40));
    list.add(avi(dir.resolve("v/b.avi"), 12));
    list.add(Files.write(dir.resolve("v/corrupt.avi"), "RIFF....AVI garbage".getBytes()));
    list.add(Files.createFile(dir.resolve("v/empty.avi")));
    return list;
  }

  @Test
  void countsWindowsAndQuarantinesBadFilesWithReasons() throws Exception {
    Recorder progress = new Recorder();
    ClipIndex index = new ClipIndexer(2).index(videos(), null, progress);
    assertEquals(40, index.info(0).frames());
    // 40 frames, 16 x 2 window: 40 - 32 + 1 = 9 windows; 12 frames: none.
    assertEquals(9, index.windows(0, 32));
    assertEquals(0, index.windows(1, 32));
    assertEquals(5, index.windows(1, 8));
    assertNull(index.info(2));
    List<QuarantineEntry> q = index.quarantine();
    assertEquals(2, q.size());
    assertTrue(q.get(0).reason().startsWith("unreadable"), q.get(0).reason());
    assertEquals("zero-length file", q.get(1).reason());
    // The progress line counts quarantined videos.
    assertEquals(4, progress.max);
    assertTrue(progress.messages.contains("4:2 quarantined"), progress.messages.toString());
    ClipIndex strict = index.requireWindow(32);
    assertEquals("too short: 12 frames for a 32-frame window", strict.problem(1));
    assertEquals(1, strict.usable().length);
  }

  @Test
  void cacheIsReusedAndInvalidatedWhenAVideoChanges() throws Exception {
    List<Path> videos = videos();
    Path cache = dir.resolve("v/.fima-clip-index.json");
    ClipIndexer indexer = new ClipIndexer(2);
    indexer.index(videos, cache, null);
    assertEquals(4, indexer.probed());
    assertTrue(Files.isRegularFile(cache));

    ClipIndex again = indexer.index(videos, cache, null);
    assertEquals(0, indexer.probed());
    assertEquals(40, again.info(0).frames());
    assertEquals(again.problem(2), new ClipIndexer(1).index(videos, null, null).problem(2));

    // Rewrite b.avi with more frames (and a later time stamp): only it is probed again.
    avi(videos.get(1), 20);
    Files.setLastModifiedTime(
        videos.get(1), FileTime.fromMillis(System.currentTimeMillis() + 5000));
    ClipIndex changed = indexer.index(videos, cache, null);
    assertEquals(1, indexer.probed());
    assertEquals(20, changed.info(1).frames());

    // Another list sharing the cache file keeps the first list's entries.
    indexer.index(List.of(avi(dir.resolve("v/c.avi"), 8)), cache, null);
    indexer.index(videos, cache, null);
    assertEquals(0, indexer.probed());
  }

  @Test
  void anAudioOnlyFileIsQuarantinedAndTheOthersIndexed() throws Exception {
    Path good = avi(dir.resolve("w/good.avi"), 20);
    Path sound = dev.fima.datasets.TestVideos.audioOnly(dir.resolve("w/sound.avi"));
    ClipIndex index = new ClipIndexer(1).index(List.of(good, sound), null, new Recorder());
    assertEquals(20, index.info(0).frames());
    assertNull(index.info(1));
    assertEquals(
        List.of(new dev.fima.api.data.QuarantineEntry(sound, "no video stream")),
        index.quarantine());
    assertEquals(1, index.usable().length);
  }

  @Test
  void aCacheOfTheFormerFormatIsRebuiltNotMisread() throws Exception {
    Path video = avi(dir.resolve("old/a.avi"), 30);
    Path cache = dir.resolve("old/.fima-clip-index.json");
    // What FIMA-J wrote before frames were placed by timestamps: a frame count from packets only.
    long size = Files.size(video);
    long modified = Files.getLastModifiedTime(video).toMillis();
    Files.writeString(
        cache,
        "{\"format\":1,\"videos\":{\"a.avi\":{\"size\":"
            + size
            + ",\"modified\":"
            + modified
            + ",\"frames\":99,\"fps\":25.0,\"width\":32,\"height\":24}}}");
    ClipIndexer indexer = new ClipIndexer(1);
    ClipIndex index = indexer.index(List.of(video), cache, null);
    assertEquals(1, indexer.probed(), "the old entry is probed again");
    assertEquals(30, index.info(0).frames());
    String rewritten = Files.readString(cache);
    assertTrue(rewritten.contains("\"format\":" + ClipIndexer.FORMAT), rewritten);
    assertTrue(rewritten.contains("\"pts\":[0,[29,1]]"), rewritten);
    ClipIndex again = indexer.index(List.of(video), cache, null);
    assertEquals(0, indexer.probed());
    assertEquals(index.info(0), again.info(0), "the cached entry reads back whole");
  }

  @Test
  void aTruncatedFileIsRecordedWithBothCountsAndLeftOutUnlessUsed() throws Exception {
    Path whole = avi(dir.resolve("t/whole.avi"), 40);
    Path cut = dev.fima.datasets.TestVideos.truncated(whole, dir.resolve("t/cut.avi"), 0.75);
    Path cache = dir.resolve("t/.fima-clip-index.json");
    ClipIndex index = new ClipIndexer(1).index(List.of(whole, cut), cache, null);
    int decodable = index.info(1).frames();
    assertTrue(decodable > 0 && decodable < 40, "decodable " + decodable);
    String reason = "truncated: " + decodable + " of the 40 frames its header lists decode";
    assertEquals(List.of(new QuarantineEntry(cut, reason)), index.truncated());
    // From the cache too.
    assertEquals(
        index.truncated(), new ClipIndexer(1).index(List.of(whole, cut), cache, null).truncated());

    ClipIndex skipped = index.withTruncated(dev.fima.api.config.TruncatedVideos.SKIP);
    assertEquals(List.of(new QuarantineEntry(cut, reason)), skipped.quarantine());
    assertEquals(1, skipped.usable().length);
    ClipIndex used = index.withTruncated(dev.fima.api.config.TruncatedVideos.USE);
    assertEquals(2, used.usable().length);
    assertEquals(decodable, used.info(1).frames());
  }
}
