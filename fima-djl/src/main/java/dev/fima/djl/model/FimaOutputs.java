package dev.fima.djl.model;

import java.util.List;

/**
 * Every tensor the FIMA losses need from one forward pass, one {@link ViewOutputs} per window
 * (section 3.5 of the method notes). A motion term pairs a view's motion features with the other
 * view's grid ({@link #other}); the instance term pairs each view's query with the other's key.
 *
 * @param m the first window's outputs
 * @param n the second window's outputs
 */
public record FimaOutputs(ViewOutputs m, ViewOutputs n) {

  /**
   * Returns both views in the reference's order for the motion terms and the queues: n, then m.
   *
   * @return {@code [n, m]}
   */
  public List<ViewOutputs> nThenM() {
    return List.of(n, m);
  }

  /**
   * Returns the view paired with one of the two.
   *
   * @param view {@link #m} or {@link #n}
   * @return the other one
   */
  public ViewOutputs other(ViewOutputs view) {
    return view == m ? n : m;
  }

  /**
   * Tells whether the motion terms are present (false for the MoCo baseline).
   *
   * @return true when both views have their motion part
   */
  public boolean hasMotion() {
    return m.motion().isPresent() && n.motion().isPresent();
  }

  /**
   * Returns the batch size.
   *
   * @return B
   */
  public long size() {
    return m.query().getShape().get(0);
  }
}
