package dev.fima.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's goals, judged on one run: FIMA's linear top-1 at least 15 points above the random
 * floor and at least 10 points above MoCo's, and FIMA's local and dense motion terms each at least
 * 0.5 nats below their chance values over the last epoch. The goals themselves are about the mean
 * of 3 seeds (BENCHMARKS.md, "The demo"); one run says whether this seed met them.
 */
public final class DemoGoals {

  /** Points of linear top-1 FIMA must gain over the random floor. */
  public static final double OVER_FLOOR = 15;

  /** Points of linear top-1 FIMA must gain over MoCo. */
  public static final double OVER_MOCO = 10;

  /** Nats each motion term must end below its chance value. */
  public static final double BELOW_CHANCE = 0.5;

  private DemoGoals() {}

  /**
   * One goal and whether this run met it.
   *
   * @param goal what is asked, in words
   * @param met whether this run met it; {@code null} when it could not be measured
   * @param figures the figures behind the verdict
   */
  public record Goal(String goal, Boolean met, String figures) {

    /**
     * Returns the goal as one line: the goal, the verdict, the figures.
     *
     * @return e.g. {@code FIMA at least 10 points above MoCo: not met (FIMA 20.0 %, ...)}
     */
    public String line() {
      String verdict = met == null ? "not measured" : met ? "met" : "not met";
      return goal + ": " + verdict + " (" + figures + ")";
    }
  }

  /**
   * Judges the goals.
   *
   * @param fima FIMA's linear top-1, a fraction
   * @param moco MoCo's linear top-1
   * @param floor the random floor's linear top-1
   * @param fimaLosses FIMA's last-epoch means by name, with {@code local}, {@code local_chance},
   *     {@code dense} and {@code dense_chance}
   * @return the goals in order: over the floor, over MoCo, the local term, the dense term
   */
  public static List<Goal> assess(
      double fima, double moco, double floor, Map<String, Double> fimaLosses) {
    List<Goal> goals = new ArrayList<>();
    goals.add(margin("FIMA", fima, "the random floor", floor, OVER_FLOOR));
    goals.add(margin("FIMA", fima, "MoCo", moco, OVER_MOCO));
    goals.add(belowChance("local", fimaLosses));
    goals.add(belowChance("dense", fimaLosses));
    return goals;
  }

  /**
   * Returns the goals as text lines under a heading, for the console and the Markdown report.
   *
   * @param goals the judged goals
   * @param bullet the prefix of each goal's line
   * @return the lines, each ending with a line break
   */
  public static String text(List<Goal> goals, String bullet) {
    StringBuilder sb =
        new StringBuilder(
            "Goals (each is about the mean of 3 seeds; this is one seed's run):"
                + System.lineSeparator());
    for (Goal g : goals) {
      sb.append(bullet).append(g.line()).append(System.lineSeparator());
    }
    return sb.toString();
  }

  private static Goal margin(
      String name, double value, String otherName, double other, double points) {
    String goal =
        String.format(
            Locale.ROOT,
            "%s's linear top-1 at least %.0f points above %s",
            name,
            points,
            otherName);
    if (Double.isNaN(value) || Double.isNaN(other)) {
      return new Goal(goal, null, "a linear probe gave no result");
    }
    double gap = 100 * (value - other);
    return new Goal(
        goal,
        gap >= points,
        String.format(
            Locale.ROOT,
            "%s %.1f %%, %s %.1f %%: %+.1f points",
            name,
            100 * value,
            otherName,
            100 * other,
            gap));
  }

  private static Goal belowChance(String term, Map<String, Double> losses) {
    String goal =
        String.format(
            Locale.ROOT,
            "FIMA's %s motion term at least %.1f nats below its chance value in the last epoch",
            term,
            BELOW_CHANCE);
    Double loss = losses.get(term);
    Double chance = losses.get(term + "_chance");
    if (loss == null || chance == null || loss.isNaN() || chance.isNaN()) {
      return new Goal(goal, null, "the run did not log the term and its chance value");
    }
    double below = chance - loss;
    return new Goal(
        goal,
        below >= BELOW_CHANCE,
        String.format(Locale.ROOT, "%.3f against %.3f: %.3f nats below", loss, chance, below));
  }
}
