package dev.fima.collectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two ranks in this JVM, each with its collective worker JVM, joined through a TCP store on
 * 127.0.0.1 as {@code fima launch} sets them up: the results of every operation on known values.
 */
class CollectiveGroupTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static List<CollectiveGroup> ranks;

  @BeforeAll
  static void join() throws IOException {
    int port = Ranks.freePort();
    ranks = Ranks.join(2, r -> Rendezvous.tcp(r, 2, "127.0.0.1", port));
    // As the ranks of a run start: a barrier before any data has been moved.
    Ranks.each(
        2,
        r -> {
          ranks.get(r).barrier(TIMEOUT);
          return r;
        },
        TIMEOUT);
  }

  @AfterAll
  static void leave() {
    List<ProcessHandle> workers =
        ranks.stream().map(g -> ProcessHandle.of(g.workerPid()).orElseThrow()).toList();
    ranks.forEach(CollectiveGroup::close);
    Ranks.assertAllEnd(workers);
  }

  @Test
  void allReduceGivesEveryRankExactlyTheMean() {
    float[][] values = {{1, 2, -3, 0.5f, 1e6f}, {3, 4, 5, 1.5f, -1e6f}};
    List<float[]> results =
        Ranks.each(
            2,
            r -> {
              float[] v = values[r].clone();
              ranks.get(r).allReduceMean(v, TIMEOUT);
              return v;
            },
            TIMEOUT);
    float[] mean = {2, 3, 1, 1, 0};
    assertArrayEquals(mean, results.get(0));
    assertArrayEquals(mean, results.get(1));
  }

  @Test
  void aLargerCallGrowsTheSharedMemoryAndStillAveragesExactly() {
    int n = 300_000;
    List<float[]> results =
        Ranks.each(
            2,
            r -> {
              float[] v = new float[n];
              for (int i = 0; i < n; i++) {
                v[i] = i * (r + 1); // mean 1.5 i, exact in float for these i
              }
              ranks.get(r).allReduceMean(v, TIMEOUT);
              return v;
            },
            TIMEOUT);
    for (int i = 0; i < n; i += 997) {
      assertEquals(1.5f * i, results.get(0)[i], "value " + i);
    }
    assertArrayEquals(results.get(0), results.get(1));
  }

  @Test
  void aBufferIsAveragedFromItsPositionToItsLimitOnly() {
    List<FloatBuffer> results =
        Ranks.each(
            2,
            r -> {
              FloatBuffer b = FloatBuffer.wrap(new float[] {9, 9, r, 10 * r, 100 * r, 9});
              b.position(2).limit(5);
              ranks.get(r).allReduceMean(b, TIMEOUT);
              return b;
            },
            TIMEOUT);
    for (FloatBuffer b : results) {
      assertEquals(2, b.position());
      assertArrayEquals(new float[] {9, 9, 0.5f, 5, 50, 9}, b.array());
    }
  }

  @Test
  void broadcastGivesEveryRankRankZerosValues() {
    List<float[]> results =
        Ranks.each(
            2,
            r -> {
              float[] v = r == 0 ? new float[] {7, -8, 9.25f} : new float[] {0, 1, 2};
              ranks.get(r).broadcast(v, TIMEOUT);
              return v;
            },
            TIMEOUT);
    assertArrayEquals(new float[] {7, -8, 9.25f}, results.get(0));
    assertArrayEquals(new float[] {7, -8, 9.25f}, results.get(1));
  }

  @Test
  void allGatherReturnsEveryRanksValuesInRankOrder() {
    List<float[]> results =
        Ranks.each(
            2,
            r -> ranks.get(r).allGather(new float[] {r, 10 + r, 20 + r, 30 + r}, TIMEOUT),
            TIMEOUT);
    float[] all = {0, 10, 20, 30, 1, 11, 21, 31};
    assertArrayEquals(all, results.get(0));
    assertArrayEquals(all, results.get(1));
  }

  @Test
  void aBarrierReturnsOnlyOnceTheLastRankArrives() {
    List<long[]> times =
        Ranks.each(
            2,
            r -> {
              if (r == 1) {
                Ranks.sleep(1000);
              }
              long called = System.nanoTime();
              ranks.get(r).barrier(TIMEOUT);
              return new long[] {called, System.nanoTime()};
            },
            TIMEOUT);
    long rank1Arrived = times.get(1)[0];
    long rank0Returned = times.get(0)[1];
    assertTrue(
        rank0Returned >= rank1Arrived,
        "rank 0 left the barrier "
            + TimeUnit.NANOSECONDS.toMillis(rank1Arrived - rank0Returned)
            + " ms before rank 1 arrived");
  }

  @Test
  void signalsToTheProcessGroupLeaveTheWorkerToItsRank() throws Exception {
    long worker = ranks.get(0).workerPid();
    for (String signal : List.of("INT", "TERM", "HUP")) {
      Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + worker).start();
      assertEquals(0, kill.waitFor(), "kill -" + signal);
    }
    Ranks.sleep(500);
    assertTrue(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false));
    List<float[]> results =
        Ranks.each(
            2,
            r -> {
              float[] v = {r};
              ranks.get(r).allReduceMean(v, TIMEOUT);
              return v;
            },
            TIMEOUT);
    assertArrayEquals(new float[] {0.5f}, results.get(0));
  }
}
