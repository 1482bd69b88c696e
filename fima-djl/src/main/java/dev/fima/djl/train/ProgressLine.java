package dev.fima.djl.train;

import ai.djl.util.Progress;
import dev.fima.api.ConsoleProgress;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A one-line progress bar per epoch ({@link ConsoleProgress} by default) followed by the loss
 * terms, the throughput and the share of time spent waiting for data, e.g. {@code epoch 3/200
 * [===== ] loss 4.213 instance 3.102 local 0.611 (chance 4.727) dense 0.500 | 41.2 samples/s | data
 * 6%}. A value named {@code <term>_chance} is shown in brackets after its term. Set {@code
 * DJL_DISABLE_PROGRESS_BAR=true} to silence it.
 */
public final class ProgressLine implements StepListener {

  private static final String CHANCE = "_chance";

  private final Progress progress;
  private final int epochs;
  private final List<String> shown;
  private int currentEpoch = -1;

  /**
   * Creates a progress line on the console ({@link ConsoleProgress}).
   *
   * @param epochs the run's length
   * @param shown names of the values to show, in order (others are left out)
   */
  public ProgressLine(int epochs, List<String> shown) {
    this(new ConsoleProgress(), epochs, shown);
  }

  /**
   * Creates a progress line on any DJL {@link Progress}.
   *
   * @param progress where the bar goes
   * @param epochs the run's length
   * @param shown names of the values to show, in order
   */
  public ProgressLine(Progress progress, int epochs, List<String> shown) {
    this.progress = progress;
    this.epochs = epochs;
    this.shown = List.copyOf(shown);
  }

  /**
   * Says where a run stands, numbering epochs from 1 as the bar does, so that a message after a
   * stop names the epoch the bar showed.
   *
   * @param epoch the epoch the next step belongs to, from 0
   * @param batch the batches of that epoch already done
   * @param batchesPerEpoch batches per epoch
   * @param epochs the run's length
   * @return {@code in epoch 2 of 5 after batch 3 of 6}, or {@code after epoch 2 of 5} at an epoch's
   *     end
   */
  public static String position(int epoch, int batch, int batchesPerEpoch, int epochs) {
    if (batch == 0 && epoch > 0) {
      return "after epoch " + epoch + " of " + epochs;
    }
    return "in epoch "
        + (epoch + 1)
        + " of "
        + epochs
        + " after batch "
        + batch
        + " of "
        + batchesPerEpoch;
  }

  @Override
  public void onStep(StepRecord r) {
    if (r.epoch() != currentEpoch) {
      currentEpoch = r.epoch();
      progress.reset("epoch " + (r.epoch() + 1) + "/" + epochs, r.batchesPerEpoch());
      progress.start(r.batch());
    }
    progress.update(r.batch(), message(r.values(), r.samplesPerSecond(), r.dataWaitShare()));
  }

  @Override
  public void onEpoch(EpochRecord r) {
    progress.end();
  }

  /**
   * Formats the text after the bar.
   *
   * @param values the values by name
   * @param samplesPerSecond throughput
   * @param dataWait share of time waiting for data
   * @return e.g. {@code loss 4.213 instance 3.102 | 41.2 samples/s | data 6%}
   */
  public String message(Map<String, Double> values, double samplesPerSecond, double dataWait) {
    StringBuilder sb = new StringBuilder();
    for (String name : shown) {
      Double v = values.get(name);
      if (v == null || isChanceOfAShownTerm(name)) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : " ")
          .append(name)
          .append(' ')
          .append(String.format(Locale.ROOT, "%.3f", v));
      Double chance = values.get(name + CHANCE);
      if (chance != null && shown.contains(name + CHANCE)) {
        sb.append(String.format(Locale.ROOT, " (chance %.3f)", chance));
      }
    }
    sb.append(
        String.format(
            Locale.ROOT, " | %.1f samples/s | data %.0f%%", samplesPerSecond, 100 * dataWait));
    return sb.toString();
  }

  private boolean isChanceOfAShownTerm(String name) {
    return name.endsWith(CHANCE)
        && shown.contains(name.substring(0, name.length() - CHANCE.length()));
  }
}
