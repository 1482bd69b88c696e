package dev.fima.djl.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fima.api.DataException;
import dev.fima.api.config.ExportConfig;
import dev.fima.djl.train.CheckpointStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointBackboneExporterTest {

  @TempDir Path dir;

  @Test
  void writesTheQueryBackboneOfTheNewestCheckpoint() throws Exception {
    Path run = dir.resolve("run");
    FimaPretrainerTest.pretrainer(new FakePretrainData(8))
        .pretrain(FimaPretrainerTest.config(run, 1), null);
    Path checkpoint = CheckpointStore.resolve(run);
    Map<String, float[]> saved = new java.util.HashMap<>();
    try (NDManager m = NDManager.newBaseManager();
        InputStream in = Files.newInputStream(checkpoint.resolve(PretrainCheckpoint.MODEL))) {
      for (NDArray a : NDList.decode(m, in)) {
        saved.put(a.getName(), a.toFloatArray());
      }
    }
    List<String> written = new ArrayList<>();
    QueryBackboneWriter recorder =
        (backbone, out, extras) -> {
          for (Pair<String, Parameter> p : backbone.getParameters()) {
            // The backbone's parameters are the checkpoint's query encoder, not fresh values.
            String name =
                saved.keySet().stream()
                    .filter(k -> k.contains("queryEncoder_") && k.endsWith("_" + p.getKey()))
                    .findFirst()
                    .orElseThrow();
            assertArrayEquals(saved.get(name), p.getValue().getArray().toFloatArray(), p.getKey());
            written.add(p.getKey());
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> pretraining = (Map<String, Object>) extras.get("pretraining");
          assertEquals(2L, ((Number) pretraining.get("step")).longValue());
          assertEquals("fima", pretraining.get("method"));
          assertEquals(dir.resolve("out"), out);
        };
    Path out =
        new CheckpointBackboneExporter(FimaPretrainerTest.MODELS, recorder)
            .export(new ExportConfig(run.toString(), dir.resolve("out").toString()));
    assertEquals(dir.resolve("out"), out);
    assertEquals(List.of("01conv_weight", "01conv_bias"), written);
  }

  @Test
  void aFolderWithoutCheckpointsIsNamed() {
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                new CheckpointBackboneExporter(FimaPretrainerTest.MODELS, (b, o, x) -> {})
                    .export(new ExportConfig(dir.toString(), dir.resolve("out").toString())));
    assertEquals(dir, e.path());
  }
}
