package dev.fima.cli;

import dev.fima.api.ConfigException;
import dev.fima.collectives.Rendezvous;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fima launch} starts on one machine, as {@code torchrun} numbers it: {@code nnodes}
 * machines with {@code nprocPerNode} ranks each, this machine's ranks being {@code nodeRank *
 * nprocPerNode} to {@code (nodeRank + 1) * nprocPerNode - 1}; rank 0 (on node 0) hosts the TCP
 * store at {@code masterAddr:masterPort}. Each local rank gets one GPU of {@code gpus} when GPUs
 * are given, and {@code threadsPerRank} libtorch threads.
 *
 * @param nnodes machines of the run
 * @param nodeRank this machine, from 0
 * @param nprocPerNode ranks per machine
 * @param masterAddr the address of node 0, as every machine reaches it
 * @param masterPort the port of rank 0's store
 * @param gpus the GPU of each local rank, in order; empty for CPU ranks
 * @param threadsPerRank libtorch intra-op threads of each rank
 */
record LaunchPlan(
    int nnodes,
    int nodeRank,
    int nprocPerNode,
    String masterAddr,
    int masterPort,
    List<Integer> gpus,
    int threadsPerRank) {

  /** Environment variable of a rank: the launcher's process id, which the rank outlives never. */
  static final String LAUNCHER_PID = "FIMA_LAUNCHER_PID";

  /** Environment variable of a rank: the one GPU it sees. */
  static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";

  /** Checks the numbers, naming the option of {@code fima launch} that is wrong. */
  LaunchPlan {
    gpus = List.copyOf(gpus);
    if (nprocPerNode < 1) {
      throw new ConfigException("--nproc-per-node", "must be at least 1, got " + nprocPerNode);
    }
    if (nnodes < 1) {
      throw new ConfigException("--nnodes", "must be at least 1, got " + nnodes);
    }
    if (nodeRank < 0 || nodeRank >= nnodes) {
      throw new ConfigException(
          "--node-rank", "must be in [0, " + (nnodes - 1) + "] for --nnodes " + nnodes);
    }
    if (masterPort < 1 || masterPort > 65535) {
      throw new ConfigException("--master-port", "must be in [1, 65535], got " + masterPort);
    }
    if (nnodes > 1 && Rendezvous.isLoopback(masterAddr)) {
      throw new ConfigException(
          "--master-addr",
          "must be the address of node 0 that the other machines reach when --nnodes > 1, got "
              + masterAddr);
    }
    if (!gpus.isEmpty() && gpus.size() < nprocPerNode) {
      throw new ConfigException(
          "--gpus",
          "names " + gpus.size() + " GPUs for --nproc-per-node " + nprocPerNode + ": one per rank");
    }
    if (threadsPerRank < 1) {
      throw new ConfigException("--threads-per-rank", "must be at least 1, got " + threadsPerRank);
    }
  }

  /**
   * Returns the GPUs of the local ranks: {@code N} means GPUs 0 to N - 1, a list such as {@code
   * 2,3} names them.
   *
   * @param spec the value of {@code --gpus}, or null for CPU ranks
   * @return the GPU ids, empty for none
   */
  static List<Integer> parseGpus(String spec) {
    if (spec == null || spec.isBlank()) {
      return List.of();
    }
    try {
      List<Integer> ids = new ArrayList<>();
      if (!spec.contains(",")) {
        int count = Integer.parseInt(spec.strip());
        for (int i = 0; i < count; i++) {
          ids.add(i);
        }
        return ids;
      }
      for (String part : spec.split(",")) {
        ids.add(Integer.parseInt(part.strip()));
      }
      return ids;
    } catch (NumberFormatException e) {
      throw new ConfigException("--gpus", "must be a count or a list such as 0,1, got " + spec);
    }
  }

  /** Returns the number of ranks of the run. */
  int worldSize() {
    return nnodes * nprocPerNode;
  }

  /** Returns the global rank of a local rank of this machine. */
  int rank(int localRank) {
    return nodeRank * nprocPerNode + localRank;
  }

  /**
   * Returns the variables a local rank gets in addition to the launcher's environment.
   *
   * @param localRank the rank on this machine
   * @param launcherPid the launcher's process id
   * @return the variables, in a stable order
   */
  Map<String, String> environment(int localRank, long launcherPid) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Rendezvous.WORLD_SIZE, String.valueOf(worldSize()));
    env.put(Rendezvous.RANK, String.valueOf(rank(localRank)));
    env.put(Rendezvous.LOCAL_RANK, String.valueOf(localRank));
    env.put(Rendezvous.LOCAL_WORLD_SIZE, String.valueOf(nprocPerNode));
    env.put(Rendezvous.MASTER_ADDR, masterAddr);
    env.put(Rendezvous.MASTER_PORT, String.valueOf(masterPort));
    env.put(LAUNCHER_PID, String.valueOf(launcherPid));
    if (!gpus.isEmpty()) {
      env.put(CUDA_VISIBLE_DEVICES, String.valueOf(gpus.get(localRank)));
    }
    return env;
  }
}
