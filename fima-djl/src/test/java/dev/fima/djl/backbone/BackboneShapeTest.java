package dev.fima.djl.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every registered backbone at 112 and 224 pixels and checks what comes out. */
class BackboneShapeTest {

  static Stream<Arguments> everyBackboneAtTwoCrops() {
    List<Arguments> cases = new ArrayList<>();
    for (BackboneFactory f : BackboneRegistry.factories()) {
      cases.add(Arguments.of(f.name(), 112));
      cases.add(Arguments.of(f.name(), 224));
    }
    return cases.stream();
  }

  /**
   * One clip of the fewest frames that still give a temporal slice (T = temporal stride), in
   * inference mode: the full-size networks at 224 pixels cost seconds on a CPU.
   */
  @ParameterizedTest(name = "{0} at {1}px")
  @MethodSource("everyBackboneAtTwoCrops")
  void mapAndPooledVectorHaveTheArchitecturesShape(String name, int crop) {
    BackboneFactory factory = BackboneRegistry.get(name);
    VideoBackbone net = factory.build(factory.defaults());
    int frames = net.temporalStride();
    try (NDManager m = NDManager.newBaseManager()) {
      Backbones.initialize(net, m, frames, crop);
      NDArray clip = m.randomUniform(0, 1, new Shape(1, 3, frames, crop, crop));
      NDList out = net.forward(new ParameterStore(m, false), new NDList(clip), false);
      long cells = (crop + net.spatialStride() - 1) / net.spatialStride();
      Shape expectedMap = new Shape(1, net.featureChannels(), 1, cells, cells);
      assertEquals(expectedMap, out.get(0).getShape());
      assertEquals(new Shape(1, net.featureChannels()), out.get(1).getShape());
      assertEquals(expectedMap, net.featureMapShape(frames, crop));
      // The pooled vector is the mean of the map over time and space.
      float[] mean =
          out.get(0).reshape(1, net.featureChannels(), -1).mean(new int[] {2}).toFloatArray();
      assertArrayEquals(mean, out.get(1).toFloatArray(), 1e-5f);
    }
  }

  /** The method notes' table: channels and grid of the reference networks at 16 frames. */
  @ParameterizedTest(name = "{0} at {1}px")
  @CsvSource({
    "r3d-18, 112, 512, 2, 7",
    "r3d-18, 224, 512, 2, 14",
    "r2plus1d-18, 112, 512, 2, 7",
    "r2plus1d-18, 224, 512, 2, 14",
    "i3d, 112, 1024, 2, 4",
    "i3d, 224, 1024, 2, 7",
    "r3d-tiny, 56, 64, 4, 7",
    "r3d-tiny, 112, 64, 4, 14",
    "i3d-tiny, 112, 128, 4, 4"
  })
  void referenceGridsAtSixteenFrames(String name, int crop, int channels, int slices, int cells) {
    BackboneFactory factory = BackboneRegistry.get(name);
    VideoBackbone net = factory.build(factory.defaults());
    assertEquals(new Shape(1, channels, slices, cells, cells), net.featureMapShape(16, crop));
  }

  /** Parameter counts of the reference networks without classifier (method notes, table 3.1). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"r3d-18, 33166272", "r2plus1d-18, 31300125", "i3d, 12287264"})
  void fullSizeParameterCountsMatchTheReference(String name, long expected) {
    BackboneFactory factory = BackboneRegistry.get(name);
    VideoBackbone net = factory.build(factory.defaults());
    try (NDManager m = NDManager.newBaseManager()) {
      Backbones.initialize(net, m, 8, 112);
      long count = 0;
      for (Pair<String, Parameter> p : net.getParameters()) {
        if (p.getValue().requiresGradient()) {
          count += p.getValue().getArray().size();
        }
      }
      assertEquals(expected, count);
    }
  }
}
