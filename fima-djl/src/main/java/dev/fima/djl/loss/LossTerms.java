package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of a composite loss for one batch: the weighted total that is differentiated, and every
 * term and statistic by name (unweighted), for listeners, logs and plots.
 *
 * @param total the weighted sum that backward runs on
 * @param values scalar terms and statistics by name, in report order; {@link FimaLoss} names them
 */
public record LossTerms(NDArray total, Map<String, NDArray> values) {

  /** Copies the map, keeping its order. */
  public LossTerms {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
