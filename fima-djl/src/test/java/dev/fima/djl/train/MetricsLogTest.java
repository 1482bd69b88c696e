package dev.fima.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.util.Progress;
import dev.fima.api.DataException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

  @TempDir Path dir;

  private static StepRecord step(int epoch, int batch, long step, double loss) {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("loss", loss);
    values.put("instance", loss / 2);
    return new StepRecord(epoch, batch, 4, step, 0.01, values, 8, 0.5, 0.125, false);
  }

  @Test
  void appendsOneJsonObjectPerLineAndTruncatesForResume() throws IOException {
    MetricsLog log = new MetricsLog(dir.resolve(MetricsLog.FILE));
    for (int s = 1; s <= 4; s++) {
      log.onStep(step(0, s - 1, s, 5 - s));
    }
    log.onEpoch(new EpochRecord(0, 4, Map.of("loss", 2.5), 4, 0, 32, 2.0, 0.5));
    List<String> lines = Files.readAllLines(log.file());
    assertEquals(5, lines.size());
    assertEquals(
        "{\"type\":\"step\",\"epoch\":0,\"batch\":1,\"step\":2,\"lr\":0.01,\"loss\":3.0,"
            + "\"instance\":1.5,\"samples_per_s\":16.0,\"data_wait\":0.25,\"seconds\":0.5,"
            + "\"skipped\":false}",
        lines.get(1));
    List<Map<String, Object>> records = log.read();
    assertEquals("epoch", records.get(4).get("type"));
    assertEquals(2.5, records.get(4).get("loss"));
    log.truncateAfterStep(2);
    assertEquals(List.of(1, 2), log.read().stream().map(r -> r.get("step")).toList());
    log.truncateAfterStep(-1);
    assertEquals(0, log.read().size());
  }

  @Test
  void aCorruptLineIsNamed() throws IOException {
    Path f = dir.resolve(MetricsLog.FILE);
    Files.writeString(f, "{\"step\":1}\nnot json\n");
    DataException e = assertThrows(DataException.class, () -> new MetricsLog(f).read());
    assertEquals(true, e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void progressLineShowsTermsThroughputAndDataWait() {
    List<String> shown = new ArrayList<>();
    Progress recorder =
        new Progress() {
          @Override
          public void reset(String message, long max, String trailing) {
            shown.add("reset " + message + " " + max);
          }

          @Override
          public void start(long initial) {}

          @Override
          public void end() {
            shown.add("end");
          }

          @Override
          public void increment(long increment) {}

          @Override
          public void update(long progress, String message) {
            shown.add(progress + " " + message);
          }
        };
    ProgressLine line = new ProgressLine(recorder, 10, List.of("loss", "instance", "dense"));
    line.onStep(step(2, 1, 10, 4));
    line.onEpoch(new EpochRecord(2, 12, Map.of(), 4, 0, 32, 2, 0));
    assertEquals(
        List.of(
            "reset epoch 3/10 4", "1 loss 4.000 instance 2.000 | 16.0 samples/s | data 25%", "end"),
        shown);
  }

  @Test
  void theProgressLineShowsAChanceValueInBracketsAfterItsTerm() {
    ProgressLine line =
        new ProgressLine(
            10, List.of("loss", "local", "local_chance", "dense_chance", "cls_pred_cos"));
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("loss", 9.5);
    values.put("local", 4.7312);
    values.put("local_chance", Math.log(113));
    values.put("dense_chance", 5.0);
    values.put("cls_pred_cos", 0.9971);
    // dense itself is not shown, so its chance value stands alone under its own name.
    assertEquals(
        "loss 9.500 local 4.731 (chance 4.727) dense_chance 5.000 cls_pred_cos 0.997"
            + " | 10.0 samples/s | data 0%",
        line.message(values, 10, 0));
  }

  @Test
  void plotsTermsTheirChanceValuesAndStatisticsOnASecondAxis() throws IOException {
    MetricsLog log = new MetricsLog(dir.resolve(MetricsLog.FILE));
    for (int s = 1; s <= 6; s++) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("type", "step");
      line.put("step", s);
      line.put("local", 4.7 - 0.1 * s);
      line.put("local_chance", 4.73);
      line.put("cls_pred_cos", 0.9 - 0.05 * s);
      log.append(line);
    }
    Path png = dir.resolve("motion.png");
    LossPlot.fromMetrics(
        log.read(), List.of("local", "local_chance"), List.of("cls_pred_cos"), "motion", png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(900, image.getWidth());
  }

  @Test
  void plotsEveryTermAsAPng() throws IOException {
    MetricsLog log = new MetricsLog(dir.resolve(MetricsLog.FILE));
    for (int s = 1; s <= 6; s++) {
      log.onStep(step(0, s - 1, s, 10.0 / s));
    }
    Path png = dir.resolve("loss.png");
    LossPlot.fromMetrics(log.read(), List.of("loss", "instance"), "pretraining", png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(900, image.getWidth());
    assertEquals(500, image.getHeight());
  }
}
