package dev.fima.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoGoalsTest {

  @Test
  void eachGoalIsJudgedWithItsFigures() {
    List<DemoGoals.Goal> goals =
        DemoGoals.assess(
            0.3625,
            0.2375,
            0.15,
            Map.of("local", 4.44, "local_chance", 4.727, "dense", 4.0, "dense_chance", 5.5));
    assertEquals(
        "FIMA's linear top-1 at least 15 points above the random floor: met (FIMA 36.3 %, the"
            + " random floor 15.0 %: +21.3 points)",
        goals.get(0).line());
    assertEquals(
        "FIMA's linear top-1 at least 10 points above MoCo: met (FIMA 36.3 %, MoCo 23.8 %: +12.5"
            + " points)",
        goals.get(1).line());
    assertEquals(
        "FIMA's local motion term at least 0.5 nats below its chance value in the last epoch: not"
            + " met (4.440 against 4.727: 0.287 nats below)",
        goals.get(2).line());
    assertEquals(
        "FIMA's dense motion term at least 0.5 nats below its chance value in the last epoch: met"
            + " (4.000 against 5.500: 1.500 nats below)",
        goals.get(3).line());
  }

  @Test
  void aShortfallAndMissingFiguresAreSaid() {
    List<DemoGoals.Goal> goals = DemoGoals.assess(0.15, 0.158, 0.162, Map.of("local", 4.7));
    assertEquals(Boolean.FALSE, goals.get(0).met());
    assertEquals(
        "FIMA's linear top-1 at least 10 points above MoCo: not met (FIMA 15.0 %, MoCo 15.8 %:"
            + " -0.8 points)",
        goals.get(1).line());
    assertNull(goals.get(2).met());
    assertEquals(
        "FIMA's local motion term at least 0.5 nats below its chance value in the last epoch: not"
            + " measured (the run did not log the term and its chance value)",
        goals.get(2).line());
  }

  @Test
  void exactlyTheMarginMeetsTheGoal() {
    List<DemoGoals.Goal> goals =
        DemoGoals.assess(
            0.40,
            0.30,
            0.25,
            Map.of("local", 4.0, "local_chance", 4.5, "dense", 1.0, "dense_chance", 1.0));
    assertEquals(Boolean.TRUE, goals.get(0).met());
    assertEquals(Boolean.TRUE, goals.get(1).met());
    assertEquals(Boolean.TRUE, goals.get(2).met());
    assertEquals(Boolean.FALSE, goals.get(3).met());
  }
}
