package dev.fima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fima.api.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchPlanTest {

  @Test
  void theSecondOfTwoMachinesRunsRanksTwoAndThreeEachOnItsGpu() {
    LaunchPlan plan = new LaunchPlan(2, 1, 2, "10.0.0.7", 29500, List.of(5, 6), 4);
    assertEquals(4, plan.worldSize());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("WORLD_SIZE", "4");
    expected.put("RANK", "3");
    expected.put("LOCAL_RANK", "1");
    expected.put("LOCAL_WORLD_SIZE", "2");
    expected.put("MASTER_ADDR", "10.0.0.7");
    expected.put("MASTER_PORT", "29500");
    expected.put("FIMA_LAUNCHER_PID", "77");
    expected.put("CUDA_VISIBLE_DEVICES", "6");
    assertEquals(expected, plan.environment(1, 77));
    assertEquals("2", plan.environment(0, 77).get("RANK"));
    assertEquals("5", plan.environment(0, 77).get("CUDA_VISIBLE_DEVICES"));
  }

  @Test
  void cpuRanksSeeNoGpuVariable() {
    LaunchPlan plan = new LaunchPlan(1, 0, 2, "127.0.0.1", 29500, List.of(), 1);
    assertEquals(null, plan.environment(1, 1).get("CUDA_VISIBLE_DEVICES"));
    assertEquals("1", plan.environment(1, 1).get("RANK"));
  }

  @Test
  void gpusAreACountOrAList() {
    assertEquals(List.of(0, 1, 2), LaunchPlan.parseGpus("3"));
    assertEquals(List.of(2, 3), LaunchPlan.parseGpus("2, 3"));
    assertEquals(List.of(), LaunchPlan.parseGpus(null));
    assertEquals(
        "--gpus", assertThrows(ConfigException.class, () -> LaunchPlan.parseGpus("a,b")).field());
  }

  @Test
  void impossibleLayoutsNameTheOption() {
    assertEquals(
        "--node-rank: must be in [0, 1] for --nnodes 2",
        assertThrows(
                ConfigException.class,
                () -> new LaunchPlan(2, 2, 1, "10.0.0.7", 29500, List.of(), 1))
            .getMessage());
    assertEquals(
        "--master-addr",
        assertThrows(
                ConfigException.class,
                () -> new LaunchPlan(2, 0, 1, "127.0.0.1", 29500, List.of(), 1))
            .field());
    assertEquals(
        "--gpus: names 1 GPUs for --nproc-per-node 2: one per rank",
        assertThrows(
                ConfigException.class,
                () -> new LaunchPlan(1, 0, 2, "127.0.0.1", 29500, List.of(0), 1))
            .getMessage());
    assertEquals(
        "--nproc-per-node",
        assertThrows(
                ConfigException.class,
                () -> new LaunchPlan(1, 0, 0, "127.0.0.1", 29500, List.of(), 1))
            .field());
  }
}
