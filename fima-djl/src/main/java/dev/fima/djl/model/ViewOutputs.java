package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * What a forward pass gives for one view (section 3.5 of the method notes).
 *
 * @param query the global query embedding, {@code [B, E]}, with gradient
 * @param key the global key embedding of the same RGB input (momentum encoder), {@code [B, E]}
 * @param crop the view's crop in the frame, {@code [B, 4]}
 * @param motion the motion features and their predictions; empty for the MoCo baseline
 */
public record ViewOutputs(
    NDArray query, NDArray key, NDArray crop, Optional<MotionOutputs> motion) {

  /**
   * Creates the outputs of a view without motion part (the MoCo baseline).
   *
   * @param query the global query embedding
   * @param key the global key embedding
   * @param crop the view's crop
   */
  public ViewOutputs(NDArray query, NDArray key, NDArray crop) {
    this(query, key, crop, Optional.empty());
  }

  /**
   * Creates the outputs of a view with its motion part.
   *
   * @param query the global query embedding
   * @param key the global key embedding
   * @param crop the view's crop
   * @param motion the motion features and their predictions
   */
  public ViewOutputs(NDArray query, NDArray key, NDArray crop, MotionOutputs motion) {
    this(query, key, crop, Optional.of(motion));
  }

  /**
   * Returns the motion part, for the terms that need it.
   *
   * @return the motion part
   * @throws IllegalStateException when the view has none (the MoCo baseline)
   */
  public MotionOutputs requireMotion() {
    return motion.orElseThrow(
        () -> new IllegalStateException("a motion term needs outputs with a motion part (FIMA)"));
  }
}
