package dev.fima.bench;

import dev.fima.djl.nd.StepPhases;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Records the phases of the steps run on one thread: each phase's exclusive time (inside it and
 * outside the phases nested in it), the exclusive intervals themselves when asked, to lay over a
 * profiler trace, and the host transfers. {@link #take} hands over what was recorded since the last
 * call.
 */
final class PhaseRecorder implements StepPhases.Recorder {

  /** The name under which a step's time outside every named phase is reported. */
  static final String OTHER = "other";

  /** An interval of one phase's exclusive time, in the clock's nanoseconds. */
  record Segment(String phase, long start, long end) {}

  /** What a step recorded. */
  record Sample(
      Map<String, Long> exclusiveNanos, long stepNanos, long transfers, List<Segment> segments) {

    /**
     * Returns the exclusive milliseconds by phase, the step's own time named {@link #OTHER}.
     *
     * @return the milliseconds, in the order the phases first ran
     */
    Map<String, Double> millis() {
      Map<String, Double> ms = new LinkedHashMap<>();
      exclusiveNanos.forEach((k, v) -> ms.put(StepPhases.STEP.equals(k) ? OTHER : k, v / 1e6));
      return ms;
    }
  }

  private static final class Open {
    final String name;
    final long entered;
    long resumed;

    Open(String name, long now) {
      this.name = name;
      this.entered = now;
      this.resumed = now;
    }
  }

  private final LongSupplier clock;
  private final Deque<Open> open = new ArrayDeque<>();
  private Map<String, Long> exclusive = new LinkedHashMap<>();
  private List<Segment> segments = new ArrayList<>();
  private long stepNanos;
  private long transfers;
  private boolean keepSegments;

  /** Creates a recorder on {@link System#nanoTime}. */
  PhaseRecorder() {
    this(System::nanoTime);
  }

  /**
   * Creates a recorder on a clock of its own.
   *
   * @param clock nanoseconds
   */
  PhaseRecorder(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * Keeps (or stops keeping) the exclusive intervals, for profiled steps.
   *
   * @param keep whether to keep them
   */
  void keepSegments(boolean keep) {
    this.keepSegments = keep;
  }

  @Override
  public void enter(String phase) {
    long now = clock.getAsLong();
    Open outer = open.peek();
    if (outer != null) {
      account(outer.name, outer.resumed, now);
    }
    open.push(new Open(phase, now));
  }

  @Override
  public void exit(String phase) {
    long now = clock.getAsLong();
    Open o = open.poll();
    // A phase left by an exception may still be open: close everything down to this one.
    while (o != null && !o.name.equals(phase)) {
      account(o.name, o.resumed, now);
      o = open.poll();
      if (o != null) {
        o.resumed = now;
      }
    }
    if (o == null) {
      return;
    }
    account(o.name, o.resumed, now);
    if (StepPhases.STEP.equals(phase)) {
      stepNanos += now - o.entered;
    }
    Open outer = open.peek();
    if (outer != null) {
      outer.resumed = now;
    }
  }

  @Override
  public void transfer(long values) {
    transfers++;
  }

  private void account(String phase, long from, long to) {
    exclusive.merge(phase, to - from, Long::sum);
    if (keepSegments) {
      segments.add(new Segment(phase, from, to));
    }
  }

  /**
   * Returns what was recorded since the last call and starts afresh.
   *
   * @return the sample
   */
  Sample take() {
    Sample s = new Sample(exclusive, stepNanos, transfers, segments);
    exclusive = new LinkedHashMap<>();
    segments = new ArrayList<>();
    stepNanos = 0;
    transfers = 0;
    return s;
  }
}
