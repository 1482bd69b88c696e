package dev.fima.djl.train;

import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when a batch statistic says that predictions have collapsed: a value (by default the mean
 * pairwise cosine of the class-token predictions within the batch) stays above a threshold for a
 * number of consecutive steps. Collapsed predictions are one vector for every video, so the term
 * they feed sits at its chance value and teaches the backbone nothing; the warning says so while
 * the run goes on, instead of after it. It fires once per episode: the count starts again when the
 * value falls back below the threshold. Skipped steps neither count nor break a run of steps.
 */
public final class CollapseWatch implements StepListener {

  private static final Logger LOG = LoggerFactory.getLogger(CollapseWatch.class);

  /** The default threshold of the mean pairwise cosine. */
  public static final double THRESHOLD = 0.99;

  /** The default number of consecutive steps above the threshold before the warning. */
  public static final int STEPS = 50;

  private final String statistic;
  private final String term;
  private final double threshold;
  private final int steps;
  private final Consumer<String> warnings;
  private int above;
  private boolean warned;

  /**
   * Watches a statistic with the default threshold and steps, warning through the log.
   *
   * @param statistic the value to watch, such as {@code cls_pred_cos}
   * @param term the loss term the predictions feed, named in the warning with its {@code _chance}
   *     value when the step has them
   */
  public CollapseWatch(String statistic, String term) {
    this(statistic, term, THRESHOLD, STEPS, LOG::warn);
  }

  /**
   * Watches a statistic.
   *
   * @param statistic the value to watch
   * @param term the loss term the predictions feed
   * @param threshold the value above which a step counts as collapsed
   * @param steps consecutive collapsed steps before the warning
   * @param warnings receives each warning line
   */
  public CollapseWatch(
      String statistic, String term, double threshold, int steps, Consumer<String> warnings) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    this.statistic = statistic;
    this.term = term;
    this.threshold = threshold;
    this.steps = steps;
    this.warnings = warnings;
  }

  @Override
  public void onStep(StepRecord r) {
    Double value = r.values().get(statistic);
    if (r.skipped() || value == null || Double.isNaN(value)) {
      return;
    }
    if (value <= threshold) {
      above = 0;
      warned = false;
      return;
    }
    above++;
    if (above >= steps && !warned) {
      warned = true;
      warnings.accept(message(r, value));
    }
  }

  private String message(StepRecord r, double value) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "step %d: the predictions have collapsed: %s (mean pairwise cosine within the"
                    + " batch) has been above %.2f for %d steps, now %.4f",
                r.step(),
                statistic,
                threshold,
                above,
                value));
    Double loss = r.values().get(term);
    Double chance = r.values().get(term + "_chance");
    if (loss != null && chance != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "; the %s term is %.3f against its chance value %.3f, so it teaches nothing",
              term,
              loss,
              chance));
    }
    return sb.toString();
  }
}
