package dev.fima.djl.pretrain;

import dev.fima.api.data.PretrainBatchLoader;
import dev.fima.api.data.QuarantineEntry;
import dev.fima.djl.train.MetricsLog;
import dev.fima.djl.train.Position;
import dev.fima.djl.train.StepListener;
import dev.fima.djl.train.StepRecord;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes each video the loader leaves out into {@code metrics.jsonl} once, as a {@code left_out}
 * line with the position after the step (epoch and step), the file, the reason and the run's count
 * so far (the console line comes from the loader the moment it happens). A resumed run keeps the
 * lines of the steps it repeats from and does not write them again.
 */
final class LeftOutLog implements StepListener {

  private final MetricsLog metrics;
  private final PretrainBatchLoader loader;
  private final Set<String> written = new HashSet<>();

  /**
   * Reads the lines an earlier part of the run wrote.
   *
   * @param metrics the run's log, already cut back to the resumed checkpoint
   * @param loader the loader whose quarantine is recorded
   */
  LeftOutLog(MetricsLog metrics, PretrainBatchLoader loader) {
    this.metrics = metrics;
    this.loader = loader;
    for (Map<String, Object> r : metrics.read()) {
      if ("left_out".equals(r.get("type"))) {
        written.add(String.valueOf(r.get("video")));
      }
    }
  }

  @Override
  public void onStep(StepRecord r) {
    Position after = new Position(r.epoch(), r.batch(), r.step() - 1).next(r.batchesPerEpoch());
    record(after);
  }

  /**
   * Writes the videos left out so far that have no line yet.
   *
   * @param position where the run stands
   */
  void record(Position position) {
    for (QuarantineEntry e : loader.stats().quarantine()) {
      if (written.add(e.video().toString())) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "left_out");
        line.put("epoch", position.epoch());
        line.put("step", position.step());
        line.put("video", e.video().toString());
        line.put("reason", e.reason());
        line.put("left_out_videos", written.size());
        metrics.append(line);
      }
    }
  }
}
