package dev.fima.collectives;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A rank in a JVM of its own, for the lifecycle tests: joins a two-rank group through a file store,
 * prints its worker's pid, then all-reduces {@code rank + 1} every 100 ms and prints each mean,
 * {@code rounds} times (0: until it fails or is stopped). It never closes the group: its worker
 * must end with the JVM. A failed collective is printed as the command line prints user errors (one
 * line, exit status 2).
 */
public final class RankProcess {

  private RankProcess() {}

  /**
   * Runs the rank.
   *
   * @param args rank, store file, rounds, collective timeout in seconds
   */
  public static void main(String[] args) {
    int rank = Integer.parseInt(args[0]);
    Path store = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Duration timeout = Duration.ofSeconds(Long.parseLong(args[3]));
    CollectiveGroup group =
        CollectiveGroup.builder(Rendezvous.file(rank, 2, store)).optJoinTimeout(Ranks.JOIN).join();
    System.out.println("worker " + group.workerPid());
    try {
      for (int i = 0; rounds == 0 || i < rounds; i++) {
        float[] v = {rank + 1};
        group.allReduceMean(v, timeout);
        System.out.println("mean " + Arrays.toString(v));
        Thread.sleep(100);
      }
    } catch (CollectiveException e) {
      System.err.println("fima: " + e.getMessage());
      System.exit(2);
    } catch (InterruptedException e) {
      System.exit(1);
    }
    System.exit(0);
  }
}
