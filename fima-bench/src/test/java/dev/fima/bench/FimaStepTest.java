package dev.fima.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Device;
import dev.fima.api.config.Configs;
import dev.fima.api.config.PretrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class FimaStepTest {

  /**
   * Steps free everything they create: after the first step (which creates the optimiser's momentum
   * buffers) the long-lived manager holds the same number of arrays however many steps run. And a
   * step changes the weights.
   */
  @Test
  void stepsLeaveNoArraysBehindAndMoveTheWeights() {
    PretrainConfig config =
        Configs.load(
            PretrainConfig.defaults(),
            null,
            List.of(
                "backbone.name=r3d-tiny",
                "clip.frames=8",
                "clip.crop=32",
                "model.projectionHidden=16",
                "model.embedding=8",
                "model.decoderDim=16",
                "model.decoderFeedForward=16",
                "model.queueSize=16",
                "batchSize=2"));
    try (FimaStep step = new FimaStep(config, Device.cpu())) {
      step.run();
      int resident = step.residentArrays();
      String before = step.firstWeights();
      step.run();
      step.run();
      assertEquals(resident, step.residentArrays());
      assertNotEquals(before, step.firstWeights());
    }
  }
}
