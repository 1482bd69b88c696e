package dev.fima.collectives;

import dev.fima.collectives.WorkerProtocol.Op;
import dev.fima.collectives.WorkerProtocol.Request;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllgatherOptions;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BarrierOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.FileStore;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.gloo.Device;

/**
 * The collective worker: the process a rank starts ({@link CollectiveGroup}) to run PyTorch's own
 * c10d Gloo collectives on data the rank puts into shared memory. It runs in a JVM whose class path
 * holds only the JavaCPP PyTorch preset and this package, because the preset's libtorch 2.10 and
 * JavaCPP 1.5.13 cannot share a JVM with DJL's libtorch and JavaCV's JavaCPP.
 *
 * <p>It joins the group (TCPStore or FileStore rendezvous, then a Gloo process group), answers
 * {@code READY}, and then serves one request line at a time from standard input ({@link
 * WorkerProtocol}). It lives exactly as long as its rank: standard input reaching its end (the rank
 * closed it, exited or was killed, by any signal) ends the worker at once, even in the middle of a
 * collective, and so does its parent process ending. The rank starts it with SIGINT, SIGTERM and
 * SIGHUP ignored, so that a signal sent to the whole process group (Ctrl-C, a scheduler) reaches
 * the rank, which may still need its collectives while it stops, and not the worker.
 *
 * <p>Arguments: {@code --rank R --world N (--tcp HOST PORT | --file PATH) --join-timeout-ms MS
 * --parent PID [--gloo-host HOST]}. Not meant to be run by hand.
 */
public final class CollectiveWorker {

  /** Exit status when the rank is gone or the arguments are wrong. */
  private static final int GONE = 3;

  private final int world;
  private final ProcessGroupGloo group;
  private final PrintStream answers;
  private SharedRegion region;
  // The tensor does not own the memory it wraps: the pointer and mapping must outlive it.
  private FloatPointer regionPointer;
  private Tensor regionTensor;

  private CollectiveWorker(int world, ProcessGroupGloo group, PrintStream answers) {
    this.world = world;
    this.group = group;
    this.answers = answers;
  }

  /**
   * Joins the group and serves the rank's requests until its standard input ends.
   *
   * @param args see the class documentation
   */
  public static void main(String[] args) {
    // The answers are ours alone: native libraries that print go to standard error instead.
    PrintStream answers = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Map<String, List<String>> options = parse(args);
    watchParent(Long.parseLong(single(options, "--parent")));
    BlockingQueue<String> requests = readInput();
    CollectiveWorker worker;
    try {
      worker = join(options, answers);
    } catch (RuntimeException e) {
      answers.println(WorkerProtocol.answer(WorkerProtocol.ERR, 0, glooMessage(e)));
      answers.flush();
      Runtime.getRuntime().halt(GONE);
      return;
    }
    answers.println(WorkerProtocol.answer(WorkerProtocol.READY, 0, ""));
    answers.flush();
    worker.serve(requests);
  }

  private static CollectiveWorker join(Map<String, List<String>> options, PrintStream answers) {
    int rank = Integer.parseInt(single(options, "--rank"));
    int world = Integer.parseInt(single(options, "--world"));
    Milliseconds joinTimeout =
        new Milliseconds(Long.parseLong(single(options, "--join-timeout-ms")));
    // One intra-op thread: the worker's only own arithmetic is the division of a mean, and the
    // rank's cores belong to the rank.
    torch.set_num_threads(1);
    Store store;
    if (options.containsKey("--file")) {
      store = new FileStore(single(options, "--file"), world);
    } else {
      List<String> tcp = options.get("--tcp");
      String host = tcp.get(0);
      TCPStoreOptions storeOptions = new TCPStoreOptions();
      storeOptions.port((short) Integer.parseInt(tcp.get(1)));
      storeOptions.isServer(rank == 0);
      storeOptions.numWorkers(new SizeTPointer(1).put((long) world));
      storeOptions.waitWorkers(false);
      storeOptions.timeout(joinTimeout);
      store = new TCPStore(host, storeOptions);
    }
    store.setTimeout(joinTimeout);
    ProcessGroupGloo.Options groupOptions = new ProcessGroupGloo.Options(joinTimeout);
    List<String> glooHost = options.get("--gloo-host");
    groupOptions.devices(new GlooDeviceVector(device(glooHost == null ? null : glooHost.get(0))));
    return new CollectiveWorker(
        world, new ProcessGroupGloo(store, rank, world, groupOptions), answers);
  }

  /**
   * Chooses the network device Gloo listens on, as PyTorch does: the interface named by {@code
   * GLOO_SOCKET_IFNAME}, else the host the rank gave ({@code --gloo-host}, loopback when every rank
   * is on this machine), else the address this machine's host name resolves to.
   */
  private static Device device(String host) {
    String ifname = System.getenv("GLOO_SOCKET_IFNAME");
    if (ifname != null && !ifname.isBlank()) {
      return ProcessGroupGloo.createDeviceForInterface(ifname.strip());
    }
    return host != null
        ? ProcessGroupGloo.createDeviceForHostname(host)
        : ProcessGroupGloo.createDefaultDevice();
  }

  // The pointer scope is never named: it collects every native object created while it is open.
  @SuppressWarnings("try")
  private void serve(BlockingQueue<String> requests) {
    while (true) {
      String line;
      try {
        line = requests.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long seq = 0;
      String answer;
      try {
        Request request = Request.parse(line);
        seq = request.seq();
        Tensor all = request.op() == Op.BARRIER ? null : mapped(request);
        // Frees each request's tensors, views and options when it is answered.
        try (PointerScope scope = new PointerScope()) {
          run(request, all);
        }
        answer = WorkerProtocol.answer(WorkerProtocol.OK, seq, "");
      } catch (RuntimeException | IOException e) {
        answer = WorkerProtocol.answer(WorkerProtocol.ERR, seq, glooMessage(e));
      }
      answers.println(answer);
      answers.flush();
    }
  }

  private void run(Request request, Tensor all) {
    Milliseconds timeout = new Milliseconds(request.timeoutMillis());
    long n = request.count();
    Work work =
        switch (request.op()) {
          case ALL_REDUCE_MEAN -> {
            AllreduceOptions options = new AllreduceOptions();
            options.timeout(timeout);
            yield group.allreduce(new TensorVector(all.narrow(0, 0, n)), options);
          }
          case BROADCAST -> {
            BroadcastOptions options = new BroadcastOptions();
            options.rootRank(0);
            options.timeout(timeout);
            yield group.broadcast(new TensorVector(all.narrow(0, 0, n)), options);
          }
          case ALL_GATHER -> {
            AllgatherOptions options = new AllgatherOptions();
            options.timeout(timeout);
            yield group._allgather_base(all.narrow(0, n, n * world), all.narrow(0, 0, n), options);
          }
          case BARRIER -> {
            BarrierOptions options = new BarrierOptions();
            options.timeout(timeout);
            yield group.barrier(options);
          }
        };
    work._wait();
    if (request.op() == Op.ALL_REDUCE_MEAN) {
      all.narrow(0, 0, n).div_(new Scalar(world));
    }
  }

  /** Returns a tensor over the request's shared region, mapping it first when it is new. */
  private Tensor mapped(Request request) throws IOException {
    if (region == null || !region.file().toString().equals(request.region())) {
      region = SharedRegion.map(Path.of(request.region()), request.regionBytes());
      regionPointer = new FloatPointer(region.floats());
      regionTensor =
          torch.from_blob(
              regionPointer,
              new long[] {region.size() / Float.BYTES},
              new TensorOptions(new ScalarTypeOptional(torch.ScalarType.Float)));
    }
    return regionTensor;
  }

  /**
   * Returns Gloo's message without the build path of its source file, which says nothing to a user
   * ({@code [/home/runner/.../pair.cc:547] Connection closed by peer ...}).
   */
  static String glooMessage(Exception e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.replaceAll("\\[[^\\]]*\\.(cc|cpp|h):\\d+\\] ", "").strip();
  }

  /**
   * Reads standard input on its own thread, so that its end is noticed during a collective too: the
   * rank that asked for it is gone, and the worker ends without waiting for it.
   */
  private static BlockingQueue<String> readInput() {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // A broken pipe is the end of the rank too.
              }
              Runtime.getRuntime().halt(0);
            },
            "fima-collectives-input");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /**
   * Ends the worker when its rank ends, should standard input outlive the rank (a descendant that
   * inherited it).
   */
  private static void watchParent(long pid) {
    ProcessHandle.of(pid)
        .ifPresentOrElse(
            parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(GONE)),
            () -> Runtime.getRuntime().halt(GONE));
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> options = new HashMap<>();
    List<String> current = null;
    for (String a : args) {
      if (a.startsWith("--")) {
        current = new ArrayList<>();
        options.put(a, current);
      } else if (current != null) {
        current.add(a);
      }
    }
    return options;
  }

  private static String single(Map<String, List<String>> options, String name) {
    List<String> values = options.get(name);
    if (values == null || values.size() != 1) {
      System.err.println("fima-collectives worker: expected one value for " + name);
      Runtime.getRuntime().halt(GONE);
    }
    return values.get(0);
  }
}
