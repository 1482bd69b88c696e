package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fima.api.config.OptimConfig;
import dev.fima.api.config.Schedule;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  private static OptimConfig optim(Schedule schedule, double warmup, List<Integer> milestones) {
    return new OptimConfig(0.01, 64, 0.9, 1e-4, schedule, warmup, milestones, 0.1, 0);
  }

  @Test
  void referenceCosineIsPerEpochAndScaledByBatch() {
    LearningRateSchedule s = LearningRateSchedule.of(optim(Schedule.COSINE, 0, List.of()), 24, 200);
    // 0.01 * 24 / 64 = 0.00375, the UCF101 script's rate.
    assertEquals(0.00375, s.baseRate(), 1e-15);
    assertEquals(0.00375, s.rate(0, 0, 10), 1e-15);
    assertEquals(0.00375, s.rate(0, 9, 10), 1e-15); // constant within an epoch
    assertEquals(0.00375 * 0.5 * (1 + Math.cos(Math.PI * 50 / 200)), s.rate(50, 3, 10), 1e-15);
    assertEquals(0.00375 / 2, s.rate(100, 0, 10), 1e-15);
    assertEquals(0.00375 * 0.5 * (1 + Math.cos(Math.PI * 199 / 200)), s.rate(199, 9, 10), 1e-15);
  }

  @Test
  void warmupRisesLinearlyPerStepThenCosineCoversTheRest() {
    LearningRateSchedule s = LearningRateSchedule.of(optim(Schedule.COSINE, 2, List.of()), 64, 12);
    // Two epochs of 5 steps: step s gets 0.01 (s + 1) / 10.
    assertEquals(0.001, s.rate(0, 0, 5), 1e-15);
    assertEquals(0.006, s.rate(1, 0, 5), 1e-15);
    assertEquals(0.010, s.rate(1, 4, 5), 1e-15);
    // Then the cosine restarts from the peak over the remaining 10 epochs.
    assertEquals(0.01, s.rate(2, 0, 5), 1e-15);
    assertEquals(0.01 * 0.5 * (1 + Math.cos(Math.PI * 5 / 10)), s.rate(7, 0, 5), 1e-15);
  }

  @Test
  void stepScheduleMultipliesAtMilestones() {
    LearningRateSchedule s =
        LearningRateSchedule.of(optim(Schedule.STEP, 0, List.of(60, 120)), 64, 150);
    assertEquals(0.01, s.rate(59, 0, 3), 1e-15);
    assertEquals(0.001, s.rate(60, 0, 3), 1e-15);
    assertEquals(0.0001, s.rate(120, 0, 3), 1e-16);
    LearningRateSchedule c = LearningRateSchedule.of(optim(Schedule.CONSTANT, 0, List.of()), 32, 5);
    assertEquals(0.005, c.rate(4, 2, 3), 1e-15);
  }
}
