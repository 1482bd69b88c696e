package dev.fima.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.api.io.TempFiles;
import dev.fima.djl.parallel.DataParallel;
import java.io.File;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code fima launch}: starts the ranks of a data-parallel run on this machine, as {@code torchrun}
 * does. Each rank is the fima command line in a JVM of its own with {@code WORLD_SIZE}, {@code
 * RANK}, {@code LOCAL_RANK}, {@code LOCAL_WORLD_SIZE}, {@code MASTER_ADDR} and {@code MASTER_PORT}
 * in its environment (see {@link LaunchPlan}); rank 0 hosts the rendezvous store.
 *
 * <p>The rank command is checked once, here, before any rank starts: a bad option or configuration
 * field is one error, not one per rank. CPU ranks share the machine's cores: a job whose {@code
 * run.threads} is left at 0 (one thread per core) gets {@code --threads-per-rank} (the cores
 * divided by the ranks) instead. With {@code --gpus}, each local rank sees one GPU ({@code
 * CUDA_VISIBLE_DEVICES}) and a job is given {@code --gpus 1}. Supervision: {@link LaunchedRanks}. A
 * rank whose launcher dies (even by SIGKILL) stops too, through {@link LauncherWatch}.
 */
@Command(
    name = "launch",
    mixinStandardHelpOptions = true,
    customSynopsis =
        "fima launch --nproc-per-node N [--nnodes M --node-rank R --master-addr HOST"
            + " --master-port P] [--gpus LIST|N] -- COMMAND [OPTIONS]",
    description = {
      "Starts N ranks of a fima command on this machine (like torchrun), e.g.",
      "  fima launch --nproc-per-node 2 -- pretrain --data DIR -o runs/x",
      "  fima launch --nproc-per-node 2 -- bench allreduce",
      "Rank 0 prints here, the others write <log-dir>/rank-<r>.log. The first rank that fails"
          + " stops the others; SIGINT or SIGTERM stops them all."
    })
final class LaunchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--nproc-per-node",
      required = true,
      paramLabel = "N",
      description = "Ranks on this machine.")
  int nprocPerNode;

  @Option(
      names = "--nnodes",
      paramLabel = "M",
      description = "Machines of the run (default ${DEFAULT-VALUE}).")
  int nnodes = 1;

  @Option(
      names = "--node-rank",
      paramLabel = "R",
      description = "This machine, from 0 (default ${DEFAULT-VALUE}).")
  int nodeRank = 0;

  @Option(
      names = "--master-addr",
      paramLabel = "HOST",
      description = "Address of node 0, where rank 0 hosts the store (default ${DEFAULT-VALUE}).")
  String masterAddr = "127.0.0.1";

  @Option(
      names = "--master-port",
      paramLabel = "P",
      description = "Port of rank 0's store (default ${DEFAULT-VALUE}).")
  int masterPort = 29500;

  @Option(
      names = "--gpus",
      paramLabel = "LIST|N",
      description = "One GPU per local rank: N for GPUs 0 to N-1, or a list such as 2,3.")
  String gpus;

  @Option(
      names = "--threads-per-rank",
      paramLabel = "T",
      description = "libtorch threads of a rank whose run.threads is 0 (default: cores / N).")
  Integer threadsPerRank;

  @Option(
      names = "--collective-timeout",
      paramLabel = "SECONDS",
      description =
          "How long a rank waits in a collective for the others before it stops (default: "
              + "$FIMA_COLLECTIVE_TIMEOUT_SECONDS, else 300). A rank that dies stops the others"
              + " at once.")
  String collectiveTimeout;

  @Option(
      names = "--log-dir",
      paramLabel = "DIR",
      description = "Folder of the ranks' logs (default: a new temporary folder).")
  Path logDir;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "1..*",
      description = "The fima command each rank runs, after --.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    int threads =
        threadsPerRank != null
            ? threadsPerRank
            : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, nprocPerNode));
    LaunchPlan plan =
        new LaunchPlan(
            nnodes,
            nodeRank,
            nprocPerNode,
            masterAddr,
            masterPort,
            LaunchPlan.parseGpus(gpus),
            threads);
    List<String> rankArgs = rankArguments(plan);
    if (collectiveTimeout != null) {
      // Checked here, once, as the ranks will read it.
      try {
        DataParallel.timeout(Map.of(DataParallel.TIMEOUT_VARIABLE, collectiveTimeout));
      } catch (ConfigException e) {
        throw new ConfigException(
            "--collective-timeout",
            "must be a number of seconds in (0, 604800], got '" + collectiveTimeout + "'");
      }
    }
    Path logs = logDir != null ? logDir : TempFiles.createFolder(tempDir(), "fima-launch-");
    Files.createDirectories(logs);
    List<LaunchedRanks.Rank> ranks = new ArrayList<>();
    long pid = ProcessHandle.current().pid();
    for (int local = 0; local < nprocPerNode; local++) {
      List<String> javaCommand = new ArrayList<>(thisJvm());
      javaCommand.addAll(rankArgs);
      ranks.add(
          new LaunchedRanks.Rank(
              plan.rank(local),
              javaCommand,
              environment(plan, local, pid),
              local == 0 ? null : logs.resolve("rank-" + plan.rank(local) + ".log")));
    }
    err.println(
        "fima launch: node "
            + nodeRank
            + " of "
            + nnodes
            + ", ranks "
            + plan.rank(0)
            + "-"
            + plan.rank(nprocPerNode - 1)
            + " of "
            + plan.worldSize()
            + ", rendezvous at "
            + masterAddr
            + ":"
            + masterPort
            + (plan.gpus().isEmpty() ? ", " + threads + " threads per rank" : ""));
    err.flush();
    LaunchedRanks launched =
        new LaunchedRanks(
            ranks,
            plan.worldSize(),
            spec.commandLine().getOut(),
            err,
            Duration.ofSeconds(Long.getLong(StopOnSignal.TIMEOUT_PROPERTY, 300)));
    StopOnSignal forwardSignals = StopOnSignal.install(launched, err);
    try {
      return launched.run();
    } finally {
      forwardSignals.close();
    }
  }

  /**
   * Returns the arguments of every rank: the user's command, with the thread count and the GPU a
   * job needs as a rank inserted after its name. Parsing it here reports a bad option or
   * configuration field once, before any rank starts.
   */
  List<String> rankArguments(LaunchPlan plan) {
    if (command.get(0).equals(spec.name())) {
      throw new ConfigException("COMMAND", "a rank cannot launch ranks itself");
    }
    CommandLine ranksCli = FimaCli.newCommandLine();
    ParseResult parsed;
    try {
      parsed = ranksCli.parseArgs(command.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new ConfigException(String.join(" ", command.subList(0, 1)), e.getMessage());
    }
    List<String> extra = new ArrayList<>();
    ParseResult sub = parsed.subcommand();
    requireDataParallel(sub);
    if (sub != null && sub.commandSpec().userObject() instanceof JobCommand<?> job) {
      if (!plan.gpus().isEmpty()) {
        for (String owned : List.of("--gpus", "--device")) {
          if (sub.hasMatchedOption(owned)) {
            throw new ConfigException(
                owned,
                "give --gpus to fima launch, which gives each rank its GPU, not to the rank");
          }
        }
        if (sub.commandSpec().findOption("--gpus") != null) {
          extra.addAll(List.of("--gpus", "1"));
        }
      }
      JsonNode resolved = Configs.json().valueToTree(job.resolveConfig());
      JsonNode threads = resolved.at("/run/threads");
      if (threads.isInt() && threads.asInt() == 0) {
        extra.addAll(List.of("--set", "run.threads=" + plan.threadsPerRank()));
      }
    }
    List<String> args = new ArrayList<>(command);
    args.addAll(1, extra);
    return args;
  }

  /**
   * Refuses a command whose ranks would not work together: every job but pretraining would run
   * alone on each rank, into the same output folder.
   */
  private static void requireDataParallel(ParseResult sub) {
    String name = sub == null ? "" : sub.commandSpec().name();
    ParseResult inner = sub == null ? null : sub.subcommand();
    boolean together =
        sub != null
            && (sub.commandSpec().userObject() instanceof PretrainCommand
                || (name.equals("bench")
                    && inner != null
                    && inner.commandSpec().name().equals("allreduce")));
    if (!together && sub != null && !sub.isUsageHelpRequested()) {
      String command = inner == null ? name : name + " " + inner.commandSpec().name();
      throw new ConfigException(
          "COMMAND",
          command
              + " has no data-parallel path: its ranks would each run alone (into the same output"
              + " folder). fima launch runs pretrain and bench allreduce; run fima "
              + command
              + " as one process");
    }
  }

  /** Returns a rank's environment: the launch plan's, and the collectives' timeout if given. */
  private Map<String, String> environment(LaunchPlan plan, int local, long pid) {
    Map<String, String> env = plan.environment(local, pid);
    if (collectiveTimeout != null) {
      env.put(DataParallel.TIMEOUT_VARIABLE, collectiveTimeout.strip());
    }
    return env;
  }

  /**
   * Returns the command that starts the fima command line in a JVM like this one: the same Java,
   * JVM options (without a debugger's, whose port would clash) and class path.
   */
  private static List<String> thisJvm() {
    List<String> jvm = new ArrayList<>();
    jvm.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) {
        jvm.add(option);
      }
    }
    String classPath =
        String.join(
            File.pathSeparator,
            Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString())
                .toList());
    jvm.addAll(List.of("-cp", classPath, FimaCli.class.getName()));
    return jvm;
  }

  private static Path tempDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }
}
