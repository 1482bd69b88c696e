package dev.fima.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.config.TestConfig;
import dev.fima.api.jobs.EvalReport;
import dev.fima.eval.metrics.ClassificationMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

  @TempDir Path dir;

  private static ClassificationMetrics metrics() {
    // Three videos of class a (two right), one of class "b,c" (predicted a), none of class d.
    float[][] scores = {{.9f, .1f, 0}, {.8f, .2f, 0}, {.1f, .2f, .7f}, {.6f, .4f, 0}};
    return ClassificationMetrics.compute(scores, new int[] {0, 0, 0, 1}, 3, 5);
  }

  @Test
  void perClassAndConfusionCsvHoldTheCounts() throws IOException {
    List<String> names = List.of("a", "b,c", "d");
    List<String> files = ClassificationFiles.write(dir, "test-", metrics(), names, "t");
    assertEquals(List.of("test-per-class.csv", "test-confusion.csv", "test-confusion.png"), files);
    assertEquals(
        "class,name,videos,correct,accuracy\n"
            + "0,a,3,2,0.666667\n"
            + "1,\"b,c\",1,0,0.000000\n"
            + "2,d,0,0,\n",
        Files.readString(dir.resolve("test-per-class.csv")));
    assertEquals(
        "true\\predicted,a,\"b,c\",d\n" + "a,2,0,1\n" + "\"b,c\",1,0,0\n" + "d,0,0,0\n",
        Files.readString(dir.resolve("test-confusion.csv")));
    var image = ImageIO.read(dir.resolve("test-confusion.png").toFile());
    assertTrue(image.getWidth() > 500 && image.getHeight() > 400);
  }

  @Test
  void reportCarriesProtocolMetricsAndFiles() throws IOException {
    Map<String, Object> protocol = new LinkedHashMap<>();
    protocol.put("dataset", "ucf101");
    protocol.put("nested", Map.of("x", 1));
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("top1", 0.84213);
    m.put("videos", 3783.0);
    Map<String, Object> details =
        Map.of("grid", List.of(Map.of("lr", 0.1, "acc", 0.5), Map.of("lr", 1.0, "acc", 0.75)));
    EvalReport r =
        ReportWriter.write(
            dir,
            new ReportWriter.Content(
                "test", "x on y", protocol, m, details, List.of("a.csv"), List.of("a note")),
            TestConfig.defaults());
    assertEquals(dir, r.outputDir());
    assertEquals(m, r.metrics());
    String md = Files.readString(dir.resolve("test.md"));
    assertTrue(md.startsWith("# test: x on y\n"), md);
    assertTrue(md.contains("| top1 | 0.8421 |"), md);
    assertTrue(md.contains("| videos | 3783 |"), md);
    assertTrue(md.contains("| nested.x | 1 |"), md);
    assertTrue(md.contains("- a note"), md);
    assertTrue(md.contains("- [test-config.yaml](test-config.yaml)"), md);
    String json = Files.readString(dir.resolve("test.json"));
    assertTrue(json.contains("\"top1\" : 0.84213"), json);
    assertTrue(json.contains("\"dataset\" : \"ucf101\""), json);
    assertTrue(Files.readString(dir.resolve("test-config.yaml")).contains("clips: 10"));
  }
}
