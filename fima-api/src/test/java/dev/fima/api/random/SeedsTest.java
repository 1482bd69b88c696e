package dev.fima.api.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeedsTest {

  @Test
  void seedsArePureFunctionsOfTheirPath() {
    assertEquals(Seeds.mix(42, 3, 7), Seeds.mix(42, 3, 7));
    assertNotEquals(Seeds.mix(42, 3, 7), Seeds.mix(42, 7, 3));
    assertNotEquals(Seeds.mix(42, 3), Seeds.mix(43, 3));
    int[] p = Seeds.permutation(10, Seeds.random(1, 2));
    assertArrayEquals(p, Seeds.permutation(10, Seeds.random(1, 2)));
    boolean[] hit = new boolean[10];
    for (int i : p) {
      hit[i] = true;
    }
    for (boolean b : hit) {
      assertTrue(b);
    }
  }

  /**
   * The values the two derivations gave before they were brought into one class (computed with
   * {@code dev.fima.djl.train.Seeds.derive} and {@code dev.fima.datasets.sampling.Seeds.mix} at
   * commit cb509d7): runs, checkpoints and resumes depend on them, so neither may change.
   */
  @Test
  void bothDerivationsKeepTheValuesEveryRunDependsOn() {
    assertEquals(-4767286540954276203L, Seeds.derive(42));
    assertEquals(1045710705528774098L, Seeds.derive(42, 1));
    assertEquals(-6489761383629738360L, Seeds.derive(42, 3, 0, 5));
    assertEquals(-6196488116226556458L, Seeds.derive(-7, 2, 11, -1));
    assertEquals(-4767286540954276203L, Seeds.mix(42));
    assertEquals(3851876758629179547L, Seeds.mix(42, 3, 7));
    assertEquals(-8546624755182837743L, Seeds.mix(42, 1, 0, 5));
    assertEquals(7023731920572110685L, Seeds.mix(-7, 2, 11, -1));
    assertArrayEquals(
        new int[] {9, 4, 0, 6, 2, 3, 7, 5, 8, 1}, Seeds.permutation(10, Seeds.random(1, 2)));
    assertEquals(8717092550839924632L, Seeds.random(5, 3).nextLong());
  }

  @Test
  void theTwoDerivationsDifferOnceAValueIsMixedIn() {
    // With no value both are the seed's own mix; each value is chained differently after that.
    assertEquals(Seeds.derive(42), Seeds.mix(42));
    assertNotEquals(Seeds.derive(42, 1), Seeds.mix(42, 1));
  }
}
