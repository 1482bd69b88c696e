package dev.fima.djl.pretrain;

import dev.fima.api.ConfigException;
import dev.fima.api.config.LossConfig;
import dev.fima.api.config.Method;
import dev.fima.api.config.PretrainConfig;

/**
 * Checks of a pretraining configuration that need more than one record, run before anything heavy
 * starts so that an impossible combination fails in the first second, naming the field.
 */
final class PretrainValidation {

  private PretrainValidation() {}

  /**
   * Validates the combinations the loop relies on.
   *
   * @param config the run
   * @param deviceCount how many devices the run resolved to
   * @throws ConfigException naming the field at fault
   */
  static void check(PretrainConfig config, int deviceCount) {
    LossConfig loss = config.loss();
    if (config.model().method() == Method.MOCO) {
      if (!(loss.instanceWeight() > 0)) {
        throw new ConfigException(
            "loss.instanceWeight",
            "the MoCo baseline has only the instance term, so its weight must be > 0, got "
                + loss.instanceWeight());
      }
    } else if (!(loss.instanceWeight() + loss.localWeight() + loss.denseWeight() > 0)) {
      throw new ConfigException(
          "loss",
          "every term has weight 0 (instanceWeight, localWeight, denseWeight): nothing to train");
    }
    if (config.batchSize() < deviceCount) {
      throw new ConfigException(
          "batchSize",
          "must be at least the number of devices ("
              + deviceCount
              + ") so that every device gets a sample, got "
              + config.batchSize());
    }
  }

  /**
   * Validates what a data-parallel run of several ranks needs.
   *
   * @param config the run
   * @param ranks the number of ranks
   * @param deviceCount how many devices each rank resolved to
   * @throws ConfigException naming the field at fault
   */
  static void checkRanks(PretrainConfig config, int ranks, int deviceCount) {
    if (ranks == 1) {
      return;
    }
    if (config.batchSize() % ranks != 0) {
      throw new ConfigException(
          "batchSize",
          "is the batch of all "
              + ranks
              + " ranks together and must be a multiple of their number, got "
              + config.batchSize());
    }
    if (config.batchSize() / ranks < deviceCount) {
      throw new ConfigException(
          "batchSize",
          "gives each of the "
              + ranks
              + " ranks "
              + config.batchSize() / ranks
              + " samples, fewer than its "
              + deviceCount
              + " devices");
    }
    if (config.loss().referenceEnqueueOrder()) {
      throw new ConfigException(
          "loss.referenceEnqueueOrder",
          "the reference's enqueue order is not available with several ranks (" + ranks + ")");
    }
  }
}
