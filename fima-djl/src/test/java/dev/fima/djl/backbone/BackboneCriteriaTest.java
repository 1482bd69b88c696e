package dev.fima.djl.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fima.api.DataException;
import dev.fima.api.config.BackboneConfig;
import dev.fima.api.config.Configs;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exported backbone folder loads through DJL's own Criteria, as strictly as Backbones.load. */
class BackboneCriteriaTest {

  @TempDir Path dir;

  private static VideoBackbone exported(NDManager m, Path folder) {
    VideoBackbone net = Backbones.create(new BackboneConfig("r3d-tiny", 0.5, List.of()));
    Backbones.initialize(net, m, 8, 32);
    // Move the running statistics off their initial values, so that loading them is checked.
    net.forward(
        new ParameterStore(m, false),
        new NDList(m.randomUniform(0, 1, new Shape(2, 3, 8, 32, 32))),
        true);
    Backbones.save(net, folder, Map.of());
    return net;
  }

  private static Criteria<NDList, NDList> criteria(Path folder) {
    return Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(folder).build();
  }

  @Test
  void theExportNamesItsBlockFactoryAndCriteriaLoadsTheSameBackbone() throws Exception {
    Path folder = dir.resolve("backbone");
    try (NDManager m = NDManager.newBaseManager()) {
      VideoBackbone original = exported(m, folder);
      Properties serving = new Properties();
      try (var reader = Files.newBufferedReader(folder.resolve("serving.properties"))) {
        serving.load(reader);
      }
      assertEquals(BackboneBlockFactory.class.getName(), serving.getProperty("blockFactory"));
      assertEquals("false", serving.getProperty("option.hasParameter"));
      assertEquals("PyTorch", serving.getProperty("engine"));

      try (ZooModel<NDList, NDList> model = criteria(folder).loadModel();
          Predictor<NDList, NDList> predictor = model.newPredictor()) {
        NDArray clip = m.randomUniform(0, 1, new Shape(2, 3, 8, 32, 32));
        NDList expected = original.forward(new ParameterStore(m, false), new NDList(clip), false);
        NDList got = predictor.predict(new NDList(clip));
        assertTrue(model.getBlock() instanceof VideoBackbone);
        assertEquals(new Shape(2, 32, 2, 4, 4), got.get(0).getShape());
        assertArrayEquals(expected.get(0).toFloatArray(), got.get(0).toFloatArray());
        assertArrayEquals(expected.get(1).toFloatArray(), got.get(1).toFloatArray());
      }
    }
  }

  @Test
  void aMisShapedParameterIsRefusedNamingIt() throws Exception {
    Path folder = dir.resolve("backbone");
    try (NDManager m = NDManager.newBaseManager()) {
      exported(m, folder);
    }
    // The descriptor now claims a wider network than the parameters hold.
    Path descriptor = folder.resolve(BackboneArchive.DESCRIPTOR_FILE);
    ObjectNode tree = (ObjectNode) Configs.json().readTree(descriptor.toFile());
    ((ObjectNode) tree.get("backbone")).put("width", 1.0);
    Files.writeString(descriptor, Configs.json().writeValueAsString(tree));

    DataException e = assertThrows(DataException.class, () -> criteria(folder).loadModel());
    assertEquals(
        folder.resolve(BackboneArchive.PARAMETERS_FILE)
            + ": parameter 01body_01stem_01conv_weight has shape (4, 3, 3, 7, 7) in the file"
            + " but (8, 3, 3, 7, 7) in the model (another architecture or width?)",
        e.getMessage());
  }

  @Test
  void aFolderExportedWithoutServingPropertiesIsRefusedByPlainCriteria() throws Exception {
    Path folder = dir.resolve("backbone");
    try (NDManager m = NDManager.newBaseManager()) {
      exported(m, folder);
      Files.delete(folder.resolve(BackboneArchive.SERVING_PROPERTIES_FILE));
      // Backbones.load still reads it ...
      assertEquals(32, Backbones.load(folder, m).backbone().featureChannels());
    }
    // ... while DJL, told nothing, looks for a TorchScript file and names the folder.
    FileNotFoundException e =
        assertThrows(FileNotFoundException.class, () -> criteria(folder).loadModel());
    assertTrue(e.getMessage().contains(folder.toAbsolutePath().toString()), e.getMessage());
  }
}
