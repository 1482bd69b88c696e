package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CollapseWatchTest {

  private static StepRecord step(long step, double cosine, boolean skipped) {
    return new StepRecord(
        0,
        (int) step,
        1000,
        step,
        0.01,
        Map.of("cls_pred_cos", cosine, "local", 4.73, "local_chance", Math.log(113)),
        16,
        0.1,
        0,
        skipped);
  }

  private static List<String> watch(double[] cosines, boolean[] skipped) {
    List<String> warnings = new ArrayList<>();
    CollapseWatch watch = new CollapseWatch("cls_pred_cos", "local", 0.99, 50, warnings::add);
    for (int i = 0; i < cosines.length; i++) {
      watch.onStep(step(i + 1, cosines[i], skipped != null && skipped[i]));
    }
    return warnings;
  }

  @Test
  void aCollapsingRunWarnsOnceAfterFiftyStepsAboveTheThreshold() {
    // Cosines rise from 0.82 (as at initialisation) to 0.997 and stay there, as measured after
    // the demo's pretraining with jittered difference clips.
    double[] cosines = new double[300];
    for (int i = 0; i < cosines.length; i++) {
      cosines[i] = Math.min(0.997, 0.82 + 0.002 * i);
    }
    int firstAbove = 0;
    while (cosines[firstAbove] <= 0.99) {
      firstAbove++;
    }
    List<String> warnings = watch(cosines, null);
    assertEquals(1, warnings.size(), warnings.toString());
    String w = warnings.get(0);
    assertTrue(w.startsWith("step " + (firstAbove + 50) + ": the predictions have collapsed"), w);
    assertTrue(w.contains("above 0.99 for 50 steps, now 0.9970"), w);
    assertTrue(w.contains("local term is 4.730 against its chance value 4.727"), w);
  }

  @Test
  void aHealthyRunDoesNotWarnEvenWithShortSpellsAboveTheThreshold() {
    Random random = new Random(1);
    double[] cosines = new double[1000];
    for (int i = 0; i < cosines.length; i++) {
      // Around 0.6 with noise, and every 100 steps a spell of 49 steps at 0.995.
      cosines[i] = i % 100 < 49 && i >= 100 ? 0.995 : 0.6 + 0.1 * random.nextGaussian();
    }
    assertEquals(List.of(), watch(cosines, null));
  }

  @Test
  void skippedStepsNeitherCountNorBreakASpell() {
    double[] cosines = new double[60];
    boolean[] skipped = new boolean[60];
    java.util.Arrays.fill(cosines, 0.999);
    for (int i = 0; i < 20; i++) {
      skipped[2 * i] = true; // 20 of the first 40 steps are skipped, with NaN-free values
      cosines[2 * i] = 0.1;
    }
    // 40 counted steps above the threshold: no warning yet.
    assertEquals(List.of(), watch(cosines, skipped));
    double[] longer = java.util.Arrays.copyOf(cosines, 70);
    boolean[] longerSkipped = java.util.Arrays.copyOf(skipped, 70);
    java.util.Arrays.fill(longer, 60, 70, 0.999);
    assertEquals(1, watch(longer, longerSkipped).size());
  }

  @Test
  void aSecondCollapseAfterARecoveryWarnsAgain() {
    double[] cosines = new double[200];
    java.util.Arrays.fill(cosines, 0.999);
    cosines[100] = 0.5;
    assertEquals(2, watch(cosines, null).size());
  }
}
