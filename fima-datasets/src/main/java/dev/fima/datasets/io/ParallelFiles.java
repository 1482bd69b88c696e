package dev.fima.datasets.io;

import ai.djl.util.Progress;
import dev.fima.api.FimaException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Runs one task per file on a pool of daemon threads, with a progress bar that counts the files
 * that failed: the shape of indexing a dataset and of converting one.
 */
public final class ParallelFiles {

  private ParallelFiles() {}

  /**
   * Runs {@code task} for the items {@code 0 .. count - 1} and returns when all have run.
   *
   * @param count the number of items
   * @param threads threads at most
   * @param threadName name of the pool's threads
   * @param bar receives the progress, or {@code null}
   * @param title the bar's title, e.g. {@code "Indexing 12 videos"}
   * @param failedWord what the bar calls a failure, e.g. {@code "quarantined"}
   * @param task returns false for an item that failed (and was recorded by the task)
   * @throws FimaException when interrupted
   */
  public static void run(
      int count,
      int threads,
      String threadName,
      Progress bar,
      String title,
      String failedWord,
      IntPredicate task) {
    if (count == 0) {
      return;
    }
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    if (bar != null) {
      bar.reset(title, count);
      bar.start(0);
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(threads, count)),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int item = i;
        futures.add(
            pool.submit(
                () -> {
                  if (!task.test(item)) {
                    failed.incrementAndGet();
                  }
                  int d = done.incrementAndGet();
                  if (bar != null) {
                    synchronized (bar) {
                      bar.update(d, failed.get() + " " + failedWord);
                    }
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FimaException("interrupted: " + title, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(title + " failed", e.getCause());
    } finally {
      pool.shutdownNow();
      if (bar != null) {
        bar.end();
      }
    }
  }
}
