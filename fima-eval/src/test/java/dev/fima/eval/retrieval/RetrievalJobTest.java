package dev.fima.eval.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.Retriever;
import dev.fima.eval.testing.FakeSupervisedData;
import dev.fima.eval.testing.Fixtures;
import dev.fima.eval.testing.TinyBackboneProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalJobTest {

  @TempDir Path dir;

  @Test
  void sameColourVideosRetrieveEachOtherAndTheReportSaysHow() throws IOException {
    FakeSupervisedData data = new FakeSupervisedData(3, 4, 2, 0.05f);
    Retriever retriever = new RetrievalJob(data, new TinyBackboneProvider());
    RetrieveConfig config =
        new RetrieveConfig(
            "random:tiny",
            Fixtures.data(dir),
            Fixtures.CLIP,
            3,
            List.of(1, 5, 50),
            6,
            Fixtures.run(dir.resolve("out"), 1));

    EvalReport report = retriever.retrieve(config);

    assertEquals(1.0, report.metrics().get("recall@1"), "classes are flat colours");
    assertEquals(1.0, report.metrics().get("recall@5"));
    assertEquals(1.0, report.metrics().get("recall@50"));
    assertEquals(6.0, report.metrics().get("queries"));
    assertEquals(12.0, report.metrics().get("gallery"));
    assertEquals(2, data.evalLoadersOpened);

    Path out = dir.resolve("out");
    String md = Files.readString(out.resolve("retrieve.md"));
    assertTrue(md.contains("recall@50 exceeds the gallery of 12 videos"), md);
    assertTrue(md.contains("centred by the gallery mean"), md);
    assertTrue(md.contains("| clipsPerVideo | 3 x 1 (centre crop), features averaged |"), md);
    List<String> csv = Files.readAllLines(out.resolve("retrieve-neighbours.csv"));
    assertEquals(7, csv.size(), "header and one line per query");
    assertTrue(csv.get(0).startsWith("query,label,neighbour1,"), csv.get(0));
    assertEquals(12, csv.get(0).split(",").length, "10 neighbours listed");
    // The first query is a Class0 video; its nearest neighbour is a Class0 training video.
    assertTrue(csv.get(1).split(",")[2].contains("Class0"), csv.get(1));

    retriever.retrieve(config);
    assertEquals(2, data.evalLoadersOpened, "features reused on the second run");
  }
}
