package dev.fima.collectives;

import dev.fima.collectives.WorkerProcess.Answer;
import dev.fima.collectives.WorkerProtocol.Op;
import dev.fima.collectives.WorkerProtocol.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One rank's membership of a data-parallel group: all-reduce (mean), broadcast from rank 0,
 * all-gather and barrier on flat float data, run by PyTorch's own c10d Gloo. Plain Java with no
 * native types, usable from the JVM that trains with DJL.
 *
 * <p>The collectives run in a worker process this rank starts when it joins and stops when it
 * closes the group ({@link CollectiveWorker}), because the JavaCPP preset that maps Gloo carries a
 * libtorch and a JavaCPP of its own that cannot share a JVM with DJL's and JavaCV's. Each call
 * copies the data into memory the two processes share (a memory-mapped file), sends the worker one
 * line, and copies the result back when it answers. The worker ends with its rank, however the rank
 * ends (closing the group, exiting, SIGTERM, SIGKILL): no process is left behind.
 *
 * <p>Every operation has a timeout, handed to Gloo: when another rank has died, its connection
 * closes and the operation fails at once; when it is stuck, the operation fails at its timeout. The
 * rank waits {@link #ANSWER_GRACE} longer for its worker's answer and then kills it. Either way the
 * call throws a {@link CollectiveException} naming the rank, the operation and the timeout, and the
 * group cannot be used again. Every rank must call the same operations in the same order, with the
 * same number of values; calls with no values return at once without a collective.
 *
 * <pre>{@code
 * try (CollectiveGroup group = CollectiveGroup.builder(Rendezvous.fromEnvironment()).join()) {
 *   group.broadcast(parameters, Duration.ofMinutes(1));     // every rank starts from rank 0's
 *   group.allReduceMean(gradients, Duration.ofSeconds(30)); // each step
 * }
 * }</pre>
 *
 * <p>Calls are serialised: one collective at a time per group.
 */
public final class CollectiveGroup implements AutoCloseable {

  /** How much longer than an operation's timeout the rank waits for its worker to answer. */
  public static final Duration ANSWER_GRACE = Duration.ofSeconds(5);

  /** The worker's JVM options: a small heap (the data is in shared memory), a quick start. */
  private static final List<String> WORKER_JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** JavaCPP's cache folder, passed on so that both JVMs extract native libraries to one place. */
  private static final String JAVACPP_CACHE = "org.bytedeco.javacpp.cachedir";

  private final Rendezvous rendezvous;
  private final WorkerProcess worker;
  private final Path sharedFolder;
  private SharedRegion region;
  private boolean regionFileDeleted;
  private long seq;
  private CollectiveException failure;
  private volatile boolean closed;

  private CollectiveGroup(Rendezvous rendezvous, WorkerProcess worker, Path sharedFolder) {
    this.rendezvous = rendezvous;
    this.worker = worker;
    this.sharedFolder = sharedFolder;
  }

  /**
   * Starts a builder of a rank's membership.
   *
   * @param rendezvous this rank and how the ranks find each other
   * @return the builder
   */
  public static Builder builder(Rendezvous rendezvous) {
    return new Builder(rendezvous);
  }

  /**
   * Returns this rank.
   *
   * @return the rank, from 0
   */
  public int rank() {
    return rendezvous.rank();
  }

  /**
   * Returns the number of ranks.
   *
   * @return the world size
   */
  public int worldSize() {
    return rendezvous.worldSize();
  }

  /**
   * Replaces each value by its mean over the ranks: the sum Gloo computes, divided by the number of
   * ranks. Every rank gets the same bits.
   *
   * @param values this rank's values, replaced by the means
   * @param timeout how long the operation may take
   * @throws CollectiveException when it does not complete
   */
  public synchronized void allReduceMean(float[] values, Duration timeout) {
    inPlace(Op.ALL_REDUCE_MEAN, values, timeout);
  }

  /**
   * Replaces each remaining value of a buffer (from its position to its limit) by its mean over the
   * ranks, as {@link #allReduceMean(float[], Duration)}; the buffer's position does not move.
   *
   * @param values this rank's values, replaced by the means
   * @param timeout how long the operation may take
   * @throws CollectiveException when it does not complete
   */
  public synchronized void allReduceMean(FloatBuffer values, Duration timeout) {
    inPlace(Op.ALL_REDUCE_MEAN, values, timeout);
  }

  /**
   * Replaces every rank's values by rank 0's.
   *
   * @param values rank 0's values to send, or another rank's to replace
   * @param timeout how long the operation may take
   * @throws CollectiveException when it does not complete
   */
  public synchronized void broadcast(float[] values, Duration timeout) {
    inPlace(Op.BROADCAST, values, timeout);
  }

  /**
   * Replaces the remaining values of every rank's buffer by rank 0's, as {@link #broadcast(float[],
   * Duration)}; the buffer's position does not move.
   *
   * @param values rank 0's values to send, or another rank's to replace
   * @param timeout how long the operation may take
   * @throws CollectiveException when it does not complete
   */
  public synchronized void broadcast(FloatBuffer values, Duration timeout) {
    inPlace(Op.BROADCAST, values, timeout);
  }

  /**
   * Returns every rank's values, in rank order: rank {@code r}'s are at {@code r * values.length}.
   *
   * @param values this rank's values, as many as every other rank's
   * @param timeout how long the operation may take
   * @return {@code worldSize() * values.length} values
   * @throws CollectiveException when it does not complete
   */
  public synchronized float[] allGather(float[] values, Duration timeout) {
    float[] all = new float[Math.multiplyExact(values.length, worldSize())];
    run(
        Op.ALL_GATHER,
        values.length,
        timeout,
        s -> s.put(0, values),
        s -> s.get(values.length, all));
    return all;
  }

  /**
   * Returns once every rank has called it.
   *
   * @param timeout how long to wait for the others
   * @throws CollectiveException when they do not all arrive in time
   */
  public synchronized void barrier(Duration timeout) {
    run(Op.BARRIER, 0, timeout, null, null);
  }

  /** Returns the worker's process id, for tests of its lifecycle. */
  long workerPid() {
    return worker.pid();
  }

  /** Leaves the group: the worker ends and the shared memory is released. */
  @Override
  public void close() {
    closed = true;
    worker.stop();
    deleteRegionFile();
  }

  /** Runs an operation whose result replaces the values it was given. */
  private void inPlace(Op op, float[] values, Duration timeout) {
    run(op, values.length, timeout, s -> s.put(0, values), s -> s.get(0, values));
  }

  /** Runs an operation whose result replaces a buffer's remaining values; its position stays. */
  private void inPlace(Op op, FloatBuffer values, Duration timeout) {
    int n = values.remaining();
    int at = values.position();
    run(op, n, timeout, s -> s.put(0, values, at, n), s -> values.put(at, s, 0, n));
  }

  private void run(
      Op op, int count, Duration timeout, Consumer<FloatBuffer> in, Consumer<FloatBuffer> out) {
    long timeoutMillis = checkTimeout(timeout);
    if (failure != null) {
      throw new CollectiveException(who() + ": the group failed earlier: " + failure.getMessage());
    }
    if (closed) {
      throw new IllegalStateException(who() + ": the group is closed");
    }
    if (count == 0 && op != Op.BARRIER) {
      return;
    }
    String what =
        op.label() + (op == Op.BARRIER ? "" : " of " + count + (count == 1 ? " float" : " floats"));
    long start = System.nanoTime();
    try {
      Request request;
      if (op == Op.BARRIER) {
        request = new Request(++seq, op, 0, timeoutMillis, 0, WorkerProtocol.NO_REGION);
      } else {
        mapRegion(op.regionFloats(count, worldSize()) * Float.BYTES, what);
        in.accept(region.floats());
        request =
            new Request(++seq, op, count, timeoutMillis, region.size(), region.file().toString());
      }
      worker.send(request.line());
      long wait = Duration.ofMillis(timeoutMillis).plus(ANSWER_GRACE).toNanos();
      Optional<Answer> answer = worker.next(wait);
      deleteRegionFile();
      if (answer.isPresent() && answer.get().kind().equals(WorkerProtocol.OK)) {
        if (op != Op.BARRIER) {
          out.accept(region.floats());
        }
        return;
      }
      String took = seconds(Duration.ofNanos(System.nanoTime() - start));
      String within = " (timeout " + seconds(timeout) + ")";
      if (answer.isEmpty()) {
        worker.kill();
        throw fail(
            what
                + ": no answer within its timeout of "
                + seconds(timeout)
                + " and "
                + seconds(ANSWER_GRACE)
                + " more; its collective worker was stopped");
      }
      if (answer.get() == Answer.ENDED) {
        String end = closed ? "the group was closed meanwhile" : worker.describeEnd();
        throw fail(what + " failed after " + took + within + ": " + end);
      }
      throw fail(
          what
              + " failed after "
              + took
              + within
              + ": "
              + answer.get().detail()
              + ". Another rank has stopped or is stuck; this group cannot be used any more");
    } catch (IOException e) {
      // Writing the request failed: the worker no longer reads.
      throw fail(what + ": " + (closed ? "the group was closed" : describeEnd(e)), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.kill();
      throw fail(what + ": interrupted; its collective worker was stopped", e);
    }
  }

  private String describeEnd(IOException e) {
    try {
      return worker.describeEnd();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  private CollectiveException fail(String message) {
    return fail(message, null);
  }

  /**
   * Records the failure that ends this group and stops the worker, so that the other ranks learn it
   * from their connections at once rather than at their timeouts.
   */
  private CollectiveException fail(String message, Throwable cause) {
    failure = new CollectiveException(who() + ": " + message, cause);
    worker.stop();
    return failure;
  }

  /** Maps a shared region of at least {@code bytes}, or fails the group naming the folder. */
  private void mapRegion(long bytes, String what) {
    try {
      ensureRegion(bytes);
    } catch (IOException e) {
      throw fail(what + ": cannot map its shared memory in " + sharedFolder + ": " + e, e);
    }
  }

  /** Maps a shared region of at least {@code bytes}, growing the current one when it is smaller. */
  private void ensureRegion(long bytes) throws IOException {
    if (bytes > SharedRegion.MAX_BYTES) {
      throw new IllegalArgumentException(
          "a collective moves at most " + SharedRegion.MAX_BYTES + " bytes, asked for " + bytes);
    }
    if (region != null && region.size() >= bytes) {
      return;
    }
    long size =
        Math.min(SharedRegion.MAX_BYTES, Math.max(bytes, region == null ? 0 : 2 * region.size()));
    Path file = Files.createTempFile(sharedFolder, "fima-collectives-rank" + rank() + "-", ".shm");
    region = SharedRegion.map(file, size);
    // Deleted as soon as the worker has answered the request that maps it.
    regionFileDeleted = false;
  }

  private void deleteRegionFile() {
    if (region != null && !regionFileDeleted) {
      try {
        Files.deleteIfExists(region.file());
        regionFileDeleted = true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private String who() {
    return "rank " + rank() + " of " + worldSize();
  }

  private static long checkTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a collective needs a positive timeout, got " + timeout);
    }
    return timeout.toMillis();
  }

  /** Formats a duration for messages, e.g. {@code 30 s} or {@code 0.6 s}. */
  static String seconds(Duration d) {
    double s = d.toNanos() / 1e9;
    return (s >= 10 ? String.format(Locale.ROOT, "%.0f", s) : String.format(Locale.ROOT, "%.1f", s))
        + " s";
  }

  /** Builds a rank's membership of a group: the worker starts when it joins. */
  public static final class Builder {

    private final Rendezvous rendezvous;
    private Duration joinTimeout = Duration.ofMinutes(10);
    private Path sharedFolder;
    private final List<String> workerJvmOptions = new ArrayList<>();

    private Builder(Rendezvous rendezvous) {
      this.rendezvous = rendezvous;
    }

    /**
     * Sets how long to wait for every rank to join (10 minutes by default, as {@code torchrun}'s
     * rendezvous): ranks on other machines may start later.
     *
     * @param timeout the longest wait
     * @return this builder
     */
    public Builder optJoinTimeout(Duration timeout) {
      checkTimeout(timeout);
      this.joinTimeout = timeout;
      return this;
    }

    /**
     * Sets the folder of the shared memory file: {@code /dev/shm} by default where it exists
     * (memory, not disk), else the system's temporary folder.
     *
     * @param folder an existing folder on a local file system
     * @return this builder
     */
    public Builder optSharedMemoryFolder(Path folder) {
      this.sharedFolder = folder;
      return this;
    }

    /**
     * Adds options of the worker's JVM, after its defaults ({@code -Xmx256m}, a quick start).
     *
     * @param options JVM options
     * @return this builder
     */
    public Builder optWorkerJvmOptions(List<String> options) {
      workerJvmOptions.addAll(options);
      return this;
    }

    /**
     * Starts this rank's worker and waits until every rank has joined.
     *
     * @return the group
     * @throws CollectiveException when the group does not form within the join timeout, or the
     *     worker cannot start
     * @throws dev.fima.api.FimaException when the PyTorch preset's jars are not found
     */
    public CollectiveGroup join() {
      String who = "rank " + rendezvous.rank() + " of " + rendezvous.worldSize();
      Path folder = sharedFolder != null ? sharedFolder : defaultSharedFolder();
      WorkerProcess worker;
      try {
        worker = WorkerProcess.start(command());
      } catch (IOException e) {
        throw new CollectiveException(who + ": cannot start its collective worker: " + e, e);
      }
      String where = " at " + rendezvous.store() + " within " + seconds(joinTimeout);
      try {
        Optional<Answer> answer = worker.next(joinTimeout.plus(ANSWER_GRACE).toNanos());
        if (answer.isPresent() && answer.get().kind().equals(WorkerProtocol.READY)) {
          return new CollectiveGroup(rendezvous, worker, folder);
        }
        String reason =
            answer.isEmpty()
                ? "no answer from its collective worker"
                : answer.get() == Answer.ENDED ? worker.describeEnd() : answer.get().detail();
        worker.stop();
        throw new CollectiveException(who + ": the group did not form" + where + ": " + reason);
      } catch (InterruptedException e) {
        worker.kill();
        Thread.currentThread().interrupt();
        throw new CollectiveException(who + ": interrupted while joining the group", e);
      }
    }

    private List<String> command() {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(WORKER_JVM_OPTIONS);
      String cache = System.getProperty(JAVACPP_CACHE);
      if (cache != null) {
        command.add("-D" + JAVACPP_CACHE + "=" + cache);
      }
      command.addAll(workerJvmOptions);
      command.addAll(List.of("-cp", WorkerClasspath.resolve(), WorkerClasspath.MAIN_CLASS));
      command.addAll(
          List.of(
              "--rank",
              String.valueOf(rendezvous.rank()),
              "--world",
              String.valueOf(rendezvous.worldSize()),
              "--join-timeout-ms",
              String.valueOf(joinTimeout.toMillis()),
              "--parent",
              String.valueOf(ProcessHandle.current().pid())));
      if (rendezvous.store().isLocal()) {
        // Every rank is here: Gloo listens on loopback, never on a network interface.
        command.addAll(List.of("--gloo-host", "127.0.0.1"));
      }
      if (rendezvous.store() instanceof Rendezvous.TcpStore tcp) {
        command.addAll(List.of("--tcp", tcp.host(), String.valueOf(tcp.port())));
      } else if (rendezvous.store() instanceof Rendezvous.FileStore file) {
        command.addAll(List.of("--file", file.file().toString()));
      }
      return command;
    }

    private static Path defaultSharedFolder() {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? shm
          : Path.of(System.getProperty("java.io.tmpdir"));
    }
  }
}
