package dev.fima.api.data;

import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * What the FIMA model consumes for one batch, after frame differences and colour augmentation
 * (section 3.5 of the method notes): one {@link ViewInputs} per window. Each augmented tensor got
 * its own random colour parameters. For the MoCo baseline the views have no motion part.
 *
 * @param m the first window's view
 * @param n the second window's view
 */
public record FimaInputs(ViewInputs m, ViewInputs n) {

  /**
   * Returns the batch size.
   *
   * @return B
   */
  public int size() {
    return (int) m.rgb().getShape().get(0);
  }

  /**
   * Returns both views, m first.
   *
   * @return {@code [m, n]}
   */
  public List<ViewInputs> views() {
    return List.of(m, n);
  }

  /**
   * Tells whether both views carry their motion part (FIMA rather than the MoCo baseline).
   *
   * @return true when both have one
   */
  public boolean hasMotion() {
    return m.motion().isPresent() && n.motion().isPresent();
  }

  /**
   * Returns every array of both views, for moving them between devices or managers.
   *
   * @return the arrays of m, then of n
   */
  public NDList arrays() {
    NDList list = m.arrays();
    list.addAll(n.arrays());
    return list;
  }
}
