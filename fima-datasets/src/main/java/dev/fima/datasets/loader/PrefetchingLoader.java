package dev.fima.datasets.loader;

import ai.djl.ndarray.NDManager;
import dev.fima.api.FimaException;
import dev.fima.api.data.LoaderStats;
import dev.fima.datasets.video.BadVideoException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The machinery shared by the batch loaders: a pool of decoding threads, a window of batches whose
 * samples decode ahead of the consumer (bounded by {@code prefetchBatches}), the quarantine and the
 * counters. The samples of a batch decode in parallel into their slots of reusable batch buffers;
 * the consumer thread waits for them in slot order, refills the slots of failed videos, and turns
 * the buffers into one NDArray per batch tensor on the caller's manager.
 *
 * @param <T> the batch type
 */
abstract class PrefetchingLoader<T> implements AutoCloseable {

  /** One batch in flight. */
  interface Job<T> {
    /**
     * Waits for the batch's samples, repairs failed slots, and creates its arrays.
     *
     * @param manager receives the arrays
     * @return the batch, or {@code null} when no sample of it could be decoded (evaluation only)
     */
    T finish(NDManager manager);
  }

  /**
   * The outcome of decoding one sample.
   *
   * @param error the failure, or {@code null} when the sample decoded
   * @param clamped whether the video was shorter than the window (last frame repeated)
   */
  record Outcome(BadVideoException error, boolean clamped) {}

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ExecutorService pool;
  private final int prefetch;

  /** Videos left out, with reasons. */
  protected final QuarantineLog quarantine;

  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong clamped = new AtomicLong();
  private final DoubleAdder waitSeconds = new DoubleAdder();

  /**
   * Creates the machinery.
   *
   * @param workers decoding threads; 0 decodes on the consumer thread
   * @param prefetchBatches batches decoded ahead
   * @param quarantine the log of left-out videos
   */
  PrefetchingLoader(int workers, int prefetchBatches, QuarantineLog quarantine) {
    int id = POOLS.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    this.pool =
        workers <= 0
            ? null
            : Executors.newFixedThreadPool(
                workers,
                r -> {
                  Thread t = new Thread(r, "fima-loader-" + id + "-" + thread.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
    this.prefetch = Math.max(1, prefetchBatches);
    this.quarantine = quarantine;
  }

  /**
   * Starts decoding one batch.
   *
   * @param epoch the epoch
   * @param batch the batch index within the epoch
   * @return the batch in flight
   */
  protected abstract Job<T> start(int epoch, int batch);

  /**
   * Runs a task on the decoding threads (or right away without them).
   *
   * @param task the task
   * @param <R> its result
   * @return its future
   */
  protected <R> Future<R> submit(Callable<R> task) {
    if (pool == null) {
      CompletableFuture<R> f = new CompletableFuture<>();
      try {
        f.complete(task.call());
      } catch (Exception | Error e) {
        f.completeExceptionally(e);
      }
      return f;
    }
    return pool.submit(task);
  }

  /**
   * Waits for a sample, counting the time spent waiting.
   *
   * @param future the sample's future
   * @param <R> its result
   * @return the result
   */
  protected <R> R await(Future<R> future) {
    long t0 = System.nanoTime();
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FimaException("interrupted while waiting for a batch", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new FimaException("a data loader thread failed: " + cause, cause);
    } finally {
      waitSeconds.add((System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Counts delivered samples.
   *
   * @param n samples
   * @param clampedSamples of which from videos shorter than their window
   */
  protected void delivered(int n, int clampedSamples) {
    samples.addAndGet(n);
    clamped.addAndGet(clampedSamples);
  }

  /**
   * Iterates batches {@code [from, to)} of one epoch, keeping up to {@code prefetchBatches} in
   * flight.
   *
   * @param manager receives the arrays
   * @param epoch the epoch
   * @param from first batch
   * @param to one past the last batch
   * @return the batches
   */
  protected Iterator<T> iterate(NDManager manager, int epoch, int from, int to) {
    return new Iterator<>() {
      private final Deque<Job<T>> inFlight = new ArrayDeque<>();
      private int next = Math.max(0, from);
      private T ready;

      private void fill() {
        while (inFlight.size() < prefetch && next < to) {
          inFlight.add(start(epoch, next++));
        }
      }

      @Override
      public boolean hasNext() {
        while (ready == null) {
          fill();
          Job<T> job = inFlight.poll();
          if (job == null) {
            return false;
          }
          ready = job.finish(manager);
          fill();
        }
        return true;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T t = ready;
        ready = null;
        return t;
      }
    };
  }

  /**
   * Returns the counters.
   *
   * @return the statistics
   */
  public LoaderStats stats() {
    return new LoaderStats(
        samples.get(), quarantine.size(), waitSeconds.sum(), quarantine.entries(), clamped.get());
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
      try {
        pool.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
