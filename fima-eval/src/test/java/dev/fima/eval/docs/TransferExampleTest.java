package dev.fima.eval.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fima.api.config.BackboneConfig;
import dev.fima.djl.backbone.BackboneInput;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.LoadedBackbone;
import dev.fima.djl.backbone.VideoBackbone;
import dev.fima.eval.classify.VideoClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the transfer example of the {@code dev.fima.eval} package documentation as written. */
class TransferExampleTest {

  @TempDir Path dir;

  @Test
  void theDocumentedTransferExampleRuns() {
    Path exported = dir.resolve("backbone");
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone pretrained = Backbones.create(new BackboneConfig("r3d-tiny", 1.0, List.of()));
      Backbones.initialize(pretrained, m, 8, 56);
      Backbones.save(pretrained, exported, Map.of());
    }
    int numClasses = 5;

    // From here on, the fine-tuning example of package-info.java, with a feature pass added.
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      LoadedBackbone loaded = Backbones.load(exported, manager);
      VideoBackbone backbone = loaded.backbone();
      BackboneInput input = loaded.descriptor().input();

      NDArray clips =
          manager
              .randomUniform(0, 1, new Shape(2, 3, input.frames(), input.crop(), input.crop()))
              .sub(manager.create(new float[] {0.43216f, 0.394666f, 0.37645f}).reshape(3, 1, 1, 1))
              .div(manager.create(new float[] {0.22803f, 0.22145f, 0.216989f}).reshape(3, 1, 1, 1));
      ParameterStore store = new ParameterStore(manager, false);
      NDArray pooled = backbone.forward(store, new NDList(clips), false).get(1);
      assertEquals(new Shape(2, 64), pooled.getShape());

      VideoClassifier classifier = new VideoClassifier(backbone, numClasses, 0.5f);
      classifier.initialize(
          manager, DataType.FLOAT32, new Shape(1, 3, input.frames(), input.crop(), input.crop()));
      NDArray logits = classifier.forward(store, new NDList(clips), false).singletonOrThrow();
      assertEquals(new Shape(2, numClasses), logits.getShape());
    }
  }
}
