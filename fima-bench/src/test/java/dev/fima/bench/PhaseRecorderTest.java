package dev.fima.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.config.Configs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhaseRecorderTest {

  /** A clock that advances by the given steps, one per reading. */
  private static java.util.function.LongSupplier ticks(long... at) {
    int[] next = {0};
    return () -> at[next[0]++];
  }

  @Test
  void eachPhaseGetsItsTimeOutsideTheNestedOnesAndTheStepItsOwnRemainder() {
    // step [0, 100): backward [10, 40) holding optimizer [20, 25); dense [50, 90)
    PhaseRecorder r = new PhaseRecorder(ticks(0, 10, 20, 25, 40, 50, 90, 100));
    r.keepSegments(true);
    r.enter("step");
    r.enter("backward");
    r.enter("optimizer");
    r.exit("optimizer");
    r.transfer(3);
    r.exit("backward");
    r.enter("dense loss");
    r.exit("dense loss");
    r.exit("step");
    PhaseRecorder.Sample s = r.take();
    assertEquals(
        Map.of("step", 30L, "backward", 25L, "optimizer", 5L, "dense loss", 40L),
        s.exclusiveNanos());
    assertEquals(100, s.stepNanos());
    assertEquals(1, s.transfers());
    assertEquals(
        List.of(
            new PhaseRecorder.Segment("step", 0, 10),
            new PhaseRecorder.Segment("backward", 10, 20),
            new PhaseRecorder.Segment("optimizer", 20, 25),
            new PhaseRecorder.Segment("backward", 25, 40),
            new PhaseRecorder.Segment("step", 40, 50),
            new PhaseRecorder.Segment("dense loss", 50, 90),
            new PhaseRecorder.Segment("step", 90, 100)),
        s.segments());
    assertEquals(
        Map.of("other", 30e-6, "backward", 25e-6, "optimizer", 5e-6, "dense loss", 40e-6),
        s.millis());
    assertEquals(0, r.take().stepNanos(), "taken: the next sample starts empty");
  }

  @Test
  void aPhaseLeftOpenByAnExceptionIsClosedWithTheOneAroundIt() {
    PhaseRecorder r = new PhaseRecorder(ticks(0, 10, 30));
    r.enter("step");
    r.enter("decoder");
    r.exit("step");
    assertEquals(Map.of("step", 10L, "decoder", 20L), r.take().exclusiveNanos());
  }

  @Test
  void operatorsCountOnceWhereTheyNestAndOnlyWithinTheAskedInterval() throws Exception {
    JsonNode trace =
        Configs.json()
            .readTree(
                "[{\"ph\":\"X\",\"ts\":10,\"dur\":20},{\"ph\":\"X\",\"ts\":12,\"dur\":5},"
                    + "{\"ph\":\"X\",\"ts\":25,\"dur\":15},{\"ph\":\"X\",\"ts\":60,\"dur\":10},"
                    + "{\"ph\":\"i\",\"ts\":0}]");
    List<double[]> union = StepBenchmark.operatorIntervals(trace);
    assertEquals(2, union.size());
    assertEquals(10, union.get(0)[0]);
    assertEquals(40, union.get(0)[1]);
    assertEquals(30, StepBenchmark.coveredWithin(union, 0, 100) - 10);
    assertEquals(10, StepBenchmark.coveredWithin(union, 35, 65), "[35, 40] and [60, 65]");
    assertEquals(0, StepBenchmark.coveredWithin(union, 40, 60));
  }
}
