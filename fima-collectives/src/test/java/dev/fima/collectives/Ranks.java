package dev.fima.collectives;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Shared pieces of the collective tests: ranks joined side by side, ports, process checks. */
final class Ranks {

  /** How long a test lets a group form: two worker JVMs load libtorch on a busy machine. */
  static final Duration JOIN = Duration.ofSeconds(120);

  private Ranks() {}

  /** Joins {@code world} ranks in this JVM at once, each on its own thread. */
  static List<CollectiveGroup> join(int world, IntFunction<Rendezvous> rendezvous) {
    return each(
        world,
        r -> CollectiveGroup.builder(rendezvous.apply(r)).optJoinTimeout(JOIN).join(),
        JOIN.plusSeconds(30));
  }

  /** Runs one call per rank at the same time and returns the results in rank order. */
  static <T> List<T> each(int world, IntFunction<T> call, Duration timeout) {
    List<CompletableFuture<T>> futures = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      int rank = r;
      futures.add(CompletableFuture.supplyAsync(() -> call.apply(rank)));
    }
    List<T> results = new ArrayList<>();
    for (CompletableFuture<T> f : futures) {
      try {
        results.add(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e);
      } catch (InterruptedException | TimeoutException e) {
        throw new AssertionError("a rank did not return within " + timeout, e);
      }
    }
    return results;
  }

  /** Returns a port that was free a moment ago on the loopback interface. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Asserts that every process ends within a few seconds. */
  static void assertAllEnd(List<ProcessHandle> processes) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (ProcessHandle p : processes) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        sleep(50);
      }
      assertTrue(!p.isAlive(), "process " + p.pid() + " " + p.info().command() + " outlived");
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
