package dev.fima.eval.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fima.api.config.Averaging;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.LinearProbe;
import dev.fima.eval.testing.FakeSupervisedData;
import dev.fima.eval.testing.Fixtures;
import dev.fima.eval.testing.TinyBackboneProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearProbeJobTest {

  @TempDir Path dir;

  private LinearProbeConfig config(String backbone, int trainClips, long seed) {
    return new LinearProbeConfig(
        backbone,
        Fixtures.data(dir),
        Fixtures.CLIP,
        trainClips,
        2,
        1,
        Averaging.PROBABILITIES,
        0.25,
        List.of(0.1, 1.0),
        List.of(0.0, 1e-3),
        15,
        16,
        8,
        Fixtures.run(dir.resolve("out"), seed));
  }

  @Test
  void probeOnSeparableClassesIsFarAboveChanceAndWritesItsReport() throws IOException {
    FakeSupervisedData data = new FakeSupervisedData(4, 6, 3, 0.1f);
    TinyBackboneProvider backbones = new TinyBackboneProvider();
    LinearProbe probe = new LinearProbeJob(data, backbones);

    EvalReport report = probe.probe(config("random:tiny", 1, 42));

    assertEquals("linear-probe", report.task());
    assertTrue(report.metrics().get("top1") > 0.75, "chance is 0.25: " + report.metrics());
    assertEquals(12.0, report.metrics().get("videos"));
    assertEquals(0.0, report.metrics().get("skippedTrainVideos"));
    assertEquals(0.0, report.metrics().get("skippedTestVideos"));
    assertTrue(report.metrics().containsKey("top4"), "top-5 of 4 classes is named top4");
    Path out = dir.resolve("out");
    for (String f :
        List.of(
            "linear-probe.json",
            "linear-probe.md",
            "linear-probe-config.yaml",
            "linear-probe-per-class.csv",
            "linear-probe-confusion.csv",
            "linear-probe-confusion.png",
            "features/train-1x1.features",
            "features/test-2x1.features")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("linear-probe.json").toFile());
    JsonNode grid = json.get("details").elements().next();
    assertEquals(4, grid.size(), "2 learning rates x 2 weight decays");
    double bestVal = 0;
    for (JsonNode point : grid) {
      bestVal = Math.max(bestVal, point.get("validationTop1").asDouble());
    }
    assertEquals(bestVal, report.metrics().get("validationTop1"), "chosen by validation top-1");
    JsonNode protocol = json.get("protocol");
    assertEquals("random:tiny", protocol.get("backbone").asText());
    assertEquals(4, protocol.get("frames").asInt());
    assertEquals("2 x 1", protocol.get("testClipsPerVideo").asText());
    assertEquals(42, protocol.get("seed").asInt());
    assertTrue(protocol.get("versions").has("djl"));
    String md = Files.readString(out.resolve("linear-probe.md"));
    assertTrue(md.contains("| top1 |"), md);
    assertTrue(md.contains("| lr | weightDecay | validationTop1 |"), md);
  }

  @Test
  void featuresAreReusedWhileTheKeyMatchesAndRebuiltWhenItChanges() {
    FakeSupervisedData data = new FakeSupervisedData(2, 4, 2, 0.1f);
    TinyBackboneProvider backbones = new TinyBackboneProvider();
    LinearProbe probe = new LinearProbeJob(data, backbones);

    EvalReport first = probe.probe(config("random:tiny", 1, 42));
    assertEquals(2, data.evalLoadersOpened, "train and test extracted");
    EvalReport second = probe.probe(config("random:tiny", 1, 42));
    assertEquals(2, data.evalLoadersOpened, "same backbone, data and geometry: both reused");
    assertEquals(first.metrics(), second.metrics());

    probe.probe(config("random:tiny", 2, 42));
    assertEquals(3, data.evalLoadersOpened, "two training clips: train rebuilt, test reused");
    probe.probe(config("random:tiny", 2, 7));
    assertEquals(5, data.evalLoadersOpened, "another seed gives other weights: both rebuilt");
  }

  @Test
  void undecodableVideosAreLeftOutAndReported() throws IOException {
    FakeSupervisedData data = new FakeSupervisedData(2, 4, 3, 0.1f);
    // Test videos are numbered after the 8 training videos: v8..v13.
    data.undecodable = Set.of("v9.avi");
    LinearProbe probe = new LinearProbeJob(data, new TinyBackboneProvider());
    EvalReport report = probe.probe(config("random:tiny", 1, 42));
    assertEquals(5.0, report.metrics().get("videos"));
    assertEquals(0.0, report.metrics().get("skippedTrainVideos"));
    assertEquals(1.0, report.metrics().get("skippedTestVideos"));
    String md = Files.readString(dir.resolve("out/linear-probe.md"));
    assertTrue(md.contains("v9.avi: truncated: fake"), md);
  }
}
