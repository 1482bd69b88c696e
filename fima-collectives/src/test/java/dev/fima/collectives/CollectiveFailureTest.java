package dev.fima.collectives;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks that do not take part: a collective that runs out of its timeout, what the other rank then
 * sees, and a group that never forms. Ranks rendezvous through a file store.
 */
class CollectiveFailureTest {

  @Test
  void aCollectiveARankSkipsFailsAtItsTimeoutNamingRankOperationAndTimeout(@TempDir Path dir) {
    List<CollectiveGroup> ranks = Ranks.join(2, r -> Rendezvous.file(r, 2, dir.resolve("store")));
    List<ProcessHandle> workers =
        ranks.stream().map(g -> ProcessHandle.of(g.workerPid()).orElseThrow()).toList();
    try {
      long start = System.nanoTime();
      CollectiveException stuck =
          assertThrows(
              CollectiveException.class,
              () -> ranks.get(0).allReduceMean(new float[4], Duration.ofSeconds(2)));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(
          seconds >= 1.9 && seconds < 2 + CollectiveGroup.ANSWER_GRACE.toSeconds(),
          "failed after " + seconds + " s");
      String message = stuck.getMessage();
      assertTrue(message.startsWith("rank 0 of 2: all-reduce of 4 floats failed after"), message);
      assertTrue(message.contains("(timeout 2.0 s)") && message.contains("Timed out"), message);
      assertTrue(!message.contains(".cc:"), "Gloo's source path is left out: " + message);

      CollectiveException again =
          assertThrows(
              CollectiveException.class, () -> ranks.get(0).barrier(Duration.ofSeconds(2)));
      assertTrue(again.getMessage().contains("the group failed earlier"), again.getMessage());

      // Rank 0's worker was stopped with its failure: rank 1 learns it from its connection at
      // once, well before its own long timeout.
      long otherStart = System.nanoTime();
      CollectiveException other =
          assertThrows(
              CollectiveException.class,
              () -> ranks.get(1).allReduceMean(new float[4], Duration.ofSeconds(60)));
      assertTrue((System.nanoTime() - otherStart) / 1e9 < 30, "rank 1 waited for its timeout");
      assertTrue(
          other.getMessage().startsWith("rank 1 of 2: all-reduce of 4 floats failed after")
              && other.getMessage().contains("Another rank has stopped or is stuck"),
          other.getMessage());
    } finally {
      ranks.forEach(CollectiveGroup::close);
    }
    Ranks.assertAllEnd(workers);
  }

  @Test
  void aGroupWhoseOtherRanksNeverComeFailsToFormWithinItsJoinTimeout(@TempDir Path dir) {
    CollectiveGroup.Builder alone =
        CollectiveGroup.builder(Rendezvous.file(0, 2, dir.resolve("store")))
            .optJoinTimeout(Duration.ofSeconds(3));
    CollectiveException e = assertThrows(CollectiveException.class, alone::join);
    assertTrue(
        e.getMessage().startsWith("rank 0 of 2: the group did not form at file store ")
            && e.getMessage().contains("within 3.0 s: "),
        e.getMessage());
  }
}
