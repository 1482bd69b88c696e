package dev.fima.collectives;

import java.util.Locale;

/**
 * The control protocol between a rank and its collective worker: one text line per request on the
 * worker's standard input, one line per answer on its standard output. The data never travels here;
 * it is in the shared region both processes map ({@link SharedRegion}).
 *
 * <p>Answers start with {@link #PREFIX} so that anything else a native library prints on the
 * worker's standard output cannot be mistaken for one. This class uses only the JDK: the worker's
 * JVM has no FIMA-J classes but its own package on its class path.
 */
final class WorkerProtocol {

  /** Start of every answer line of the worker. */
  static final String PREFIX = "fima-collectives ";

  /** The worker's first answer, once the group has formed. */
  static final String READY = "READY";

  /** A request that succeeded; the result is in the shared region. */
  static final String OK = "OK";

  /** A request that failed; the rest of the line is the reason. */
  static final String ERR = "ERR";

  /** The region of a request that moves no data (a barrier). */
  static final String NO_REGION = "-";

  private WorkerProtocol() {}

  /** What a request asks the worker to do. */
  enum Op {
    /** Sums the first {@code count} floats across ranks in place, then divides by the ranks. */
    ALL_REDUCE_MEAN("all-reduce"),
    /** Replaces the first {@code count} floats of every rank by rank 0's. */
    BROADCAST("broadcast"),
    /**
     * Reads {@code count} floats at the start of the region and writes every rank's, in rank order,
     * right after them.
     */
    ALL_GATHER("all-gather"),
    /** Returns once every rank has reached it. */
    BARRIER("barrier");

    private final String label;

    Op(String label) {
      this.label = label;
    }

    /** Returns the operation's name in messages, e.g. {@code all-reduce}. */
    String label() {
      return label;
    }

    /**
     * Returns how many floats of the shared region the operation uses.
     *
     * @param count floats each rank contributes
     * @param worldSize number of ranks
     */
    long regionFloats(long count, int worldSize) {
      return this == ALL_GATHER ? count * (1L + worldSize) : count;
    }
  }

  /**
   * One request line: its sequence number, the operation, the number of floats, the operation's
   * timeout and the shared region (its size and file) that holds the data.
   */
  record Request(long seq, Op op, long count, long timeoutMillis, long regionBytes, String region) {

    /** Returns the line the rank writes, the region's path last so that it may hold spaces. */
    String line() {
      return seq + " " + op + " " + count + " " + timeoutMillis + " " + regionBytes + " " + region;
    }

    /** Parses a line written by {@link #line()}. */
    static Request parse(String line) {
      String[] parts = line.split(" ", 6);
      if (parts.length != 6) {
        throw new IllegalArgumentException("malformed request: " + line);
      }
      return new Request(
          Long.parseLong(parts[0]),
          Op.valueOf(parts[1]),
          Long.parseLong(parts[2]),
          Long.parseLong(parts[3]),
          Long.parseLong(parts[4]),
          parts[5]);
    }
  }

  /**
   * Returns an answer line.
   *
   * @param kind {@link #READY}, {@link #OK} or {@link #ERR}
   * @param seq the request answered (0 for {@link #READY} and a failed start)
   * @param detail the reason of a failure, or empty
   */
  static String answer(String kind, long seq, String detail) {
    String oneLine = detail.replace('\n', ' ').replace('\r', ' ').strip();
    return String.format(Locale.ROOT, "%s%s %d %s", PREFIX, kind, seq, oneLine).strip();
  }
}
