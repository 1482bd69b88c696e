package dev.fima.collectives;

import dev.fima.api.ConfigException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where and as whom a rank joins its group: its rank, the number of ranks, and the store through
 * which the ranks find each other. A {@link TcpStore} at {@code MASTER_ADDR:MASTER_PORT}, hosted by
 * rank 0, is what {@code fima launch} sets up (as {@code torchrun} does); a {@link FileStore} on a
 * file every rank can reach needs no port and serves tests and single-machine runs.
 *
 * @param rank this rank, from 0 to {@code worldSize - 1}
 * @param worldSize the number of ranks
 * @param store the rendezvous store
 */
public record Rendezvous(int rank, int worldSize, Store store) {

  /** Environment variable: the number of ranks of the run. */
  public static final String WORLD_SIZE = "WORLD_SIZE";

  /** Environment variable: this process's rank among all of the run's. */
  public static final String RANK = "RANK";

  /** Environment variable: this process's rank among those of its machine. */
  public static final String LOCAL_RANK = "LOCAL_RANK";

  /** Environment variable: the number of ranks on this machine. */
  public static final String LOCAL_WORLD_SIZE = "LOCAL_WORLD_SIZE";

  /** Environment variable: the host of rank 0's TCP store. */
  public static final String MASTER_ADDR = "MASTER_ADDR";

  /** Environment variable: the port of rank 0's TCP store. */
  public static final String MASTER_PORT = "MASTER_PORT";

  /** Checks the ranks. */
  public Rendezvous {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "rank must be in [0, worldSize), got rank " + rank + " of " + worldSize);
    }
    if (store == null) {
      throw new IllegalArgumentException("a rendezvous needs a store");
    }
  }

  /** The store through which the ranks of a group find each other. */
  public sealed interface Store permits TcpStore, FileStore {

    /**
     * Tells whether every rank of the group is on this machine: a store on the loopback interface,
     * or a file store (meant for one machine).
     *
     * @return whether the ranks talk over the loopback interface
     */
    boolean isLocal();
  }

  /**
   * PyTorch's TCPStore, hosted by rank 0 on {@code port} of its machine and reached by the others
   * at {@code host}.
   *
   * @param host the address of rank 0's machine, as every rank reaches it
   * @param port the port rank 0 listens on
   */
  public record TcpStore(String host, int port) implements Store {

    /** Checks the port. */
    public TcpStore {
      if (host == null || host.isBlank() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("a TCP store needs a host and a port in [1, 65535]");
      }
    }

    @Override
    public boolean isLocal() {
      return isLoopback(host);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /**
   * PyTorch's FileStore: a file every rank can open; it must not exist before the group forms.
   *
   * @param file the store's file
   */
  public record FileStore(Path file) implements Store {

    @Override
    public boolean isLocal() {
      return true;
    }

    @Override
    public String toString() {
      return "file store " + file;
    }
  }

  /**
   * Returns a rendezvous at rank 0's TCP store.
   *
   * @param rank this rank
   * @param worldSize the number of ranks
   * @param host the address of rank 0's machine
   * @param port the port of its store
   * @return the rendezvous
   */
  public static Rendezvous tcp(int rank, int worldSize, String host, int port) {
    return new Rendezvous(rank, worldSize, new TcpStore(host, port));
  }

  /**
   * Returns a rendezvous through a file store.
   *
   * @param rank this rank
   * @param worldSize the number of ranks
   * @param file the store's file, the same for every rank, not yet existing
   * @return the rendezvous
   */
  public static Rendezvous file(int rank, int worldSize, Path file) {
    return new Rendezvous(rank, worldSize, new FileStore(file));
  }

  /**
   * Returns the rendezvous {@code fima launch} (or {@code torchrun}) gave this process through
   * {@value #WORLD_SIZE}, {@value #RANK}, {@value #MASTER_ADDR} and {@value #MASTER_PORT}.
   *
   * @return the rendezvous
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static Rendezvous fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Returns the rendezvous given by a set of environment variables.
   *
   * @param env the variables
   * @return the rendezvous
   * @throws ConfigException naming the variable that is missing or malformed
   */
  public static Rendezvous fromEnvironment(Map<String, String> env) {
    int world = integer(env, WORLD_SIZE, 1, Integer.MAX_VALUE);
    int rank = integer(env, RANK, 0, world - 1);
    String host = env.get(MASTER_ADDR);
    if (host == null || host.isBlank()) {
      throw missing(MASTER_ADDR);
    }
    return tcp(rank, world, host.strip(), integer(env, MASTER_PORT, 1, 65535));
  }

  /**
   * Tells whether a launcher gave this process a rank.
   *
   * @param env the environment variables
   * @return whether {@value #WORLD_SIZE} is set
   */
  public static boolean isLaunched(Map<String, String> env) {
    return env.containsKey(WORLD_SIZE);
  }

  /**
   * Tells whether a host name or address is this machine's loopback interface.
   *
   * @param host a host name or address
   * @return whether it is {@code localhost}, {@code 127.x.x.x} or {@code ::1}
   */
  public static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private static int integer(Map<String, String> env, String name, int min, int max) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      throw missing(name);
    }
    try {
      int value = Integer.parseInt(text.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException notANumber) {
      // Reported below with the range.
    }
    throw new ConfigException(
        name, "must be an integer in [" + min + ", " + max + "], got '" + text + "'");
  }

  private static ConfigException missing(String name) {
    return new ConfigException(
        name,
        "is not set: start the ranks with fima launch, which sets "
            + String.join(", ", WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT));
  }
}
