package dev.fima.datasets.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameTimestampsTest {

  @Test
  void aConstantRateIsOneRunAndAGapAddsTwo() {
    // Decode order of B-frames: the list is sorted. 0, 2 (a dropped frame), 3, 4, 5.
    FrameTimestamps t = FrameTimestamps.of(new long[] {0, 3, 2, 5, 4}, 5);
    assertEquals(5, t.size());
    assertArrayEquals(new int[] {1, 3}, t.runLengths());
    assertArrayEquals(new long[] {2, 1}, t.runSteps());
    assertArrayEquals(new long[] {0, 2, 3, 4, 5}, all(t));
    FrameTimestamps constant = FrameTimestamps.of(new long[] {512, 1024, 1536, 2048}, 4);
    assertEquals(1, constant.runLengths().length);
    assertEquals(1536, constant.span());
  }

  @Test
  void aFrameIsPlacedByTheNearestTimestampWithinHalfAStep() {
    FrameTimestamps t = FrameTimestamps.of(new long[] {100, 200, 300, 600}, 4);
    assertEquals(0, t.indexOf(100));
    assertEquals(1, t.indexOf(249));
    assertEquals(2, t.indexOf(251));
    assertEquals(-1, t.indexOf(250), "exactly between two frames is neither");
    assertEquals(3, t.indexOf(451), "the last step is 300 wide");
    assertEquals(-1, t.indexOf(49), "before the first frame by more than half a step");
    assertEquals(0, t.indexOf(51));
    assertEquals(-1, t.indexOf(800));
  }

  @Test
  void missingOrRepeatedTimestampsPlaceFramesByCount() {
    assertTrue(FrameTimestamps.of(new long[] {0, 1, 1}, 3).byCount());
    assertTrue(FrameTimestamps.of(new long[] {0, Long.MIN_VALUE, 2}, 3).byCount());
    FrameTimestamps counted = FrameTimestamps.counted(4);
    assertArrayEquals(new long[] {0, 1, 2, 3}, all(counted));
    assertFalse(FrameTimestamps.of(new long[] {7}, 1).byCount());
    assertEquals(0, FrameTimestamps.of(new long[] {7}, 1).indexOf(7));
  }

  @Test
  void storedPartsRestoreTheSameListAndBadPartsAreRefused() {
    FrameTimestamps t = FrameTimestamps.of(new long[] {1, 2, 3, 7, 8, 12}, 6);
    FrameTimestamps back =
        FrameTimestamps.restore(t.start(), t.runLengths(), t.runSteps(), t.byCount());
    assertEquals(t, back);
    assertArrayEquals(all(t), all(back));
    assertThrows(
        IllegalArgumentException.class,
        () -> FrameTimestamps.restore(0, new int[] {2}, new long[] {0}, false));
  }

  private static long[] all(FrameTimestamps t) {
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.at(i);
    }
    return out;
  }
}
