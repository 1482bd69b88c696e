package dev.fima.djl.train;

import dev.fima.api.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Line charts of training curves (one series per loss term over steps) written as PNG. A series
 * named {@code <term>_chance} is drawn dashed in its term's colour, so a term that sits on its
 * chance value shows as two lines on top of each other; statistics on another scale (cosines,
 * shares) can go on a second axis at the right.
 */
public final class LossPlot {

  private static final Logger LOG = LoggerFactory.getLogger(LossPlot.class);

  private static final String CHANCE = "_chance";

  private static final Paint[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf)
  };

  private LossPlot() {}

  /**
   * Plots a training run's curves from its metrics log when it ends (finished or stopped), warning
   * instead of failing when the image cannot be drawn or written: a missing plot must not lose a
   * run.
   *
   * @param metrics the run's log
   * @param names the values to plot
   * @param title chart title
   * @param png the image to write (atomically)
   */
  public static void ofRun(MetricsLog metrics, List<String> names, String title, Path png) {
    try {
      fromMetrics(metrics.read(), names, title, png);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the loss plot: {}", e.toString());
    }
  }

  /**
   * Plots series read from a {@link MetricsLog}: for each name, its value in every {@code "type":
   * "step"} record that has it, against the record's {@code step}.
   *
   * @param records the log's records
   * @param names the values to plot
   * @param title chart title
   * @param png the image to write (atomically)
   * @throws IOException when the image cannot be written
   */
  public static void fromMetrics(
      List<Map<String, Object>> records, List<String> names, String title, Path png)
      throws IOException {
    fromMetrics(records, names, List.of(), title, png);
  }

  /**
   * Plots series read from a {@link MetricsLog}, the losses on the left axis and statistics on a
   * second axis at the right.
   *
   * @param records the log's records
   * @param names the losses to plot (with their {@code _chance} values, if wanted)
   * @param statistics the values to plot on the right axis, such as cosines in [-1, 1]
   * @param title chart title
   * @param png the image to write (atomically)
   * @throws IOException when the image cannot be written
   */
  public static void fromMetrics(
      List<Map<String, Object>> records,
      List<String> names,
      List<String> statistics,
      String title,
      Path png)
      throws IOException {
    write(series(records, names), series(records, statistics), title, png);
  }

  /**
   * Plots series given as points.
   *
   * @param series name to {@code [x values, y values]}
   * @param title chart title
   * @param png the image to write (atomically)
   * @throws IOException when the image cannot be written
   */
  public static void fromPoints(Map<String, double[][]> series, String title, Path png)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      XYSeries s = new XYSeries(e.getKey(), true, true);
      double[] x = e.getValue()[0];
      double[] y = e.getValue()[1];
      for (int i = 0; i < x.length; i++) {
        s.addOrUpdate(x[i], y[i]);
      }
      data.addSeries(s);
    }
    write(data, new XYSeriesCollection(), title, png);
  }

  private static XYSeriesCollection series(List<Map<String, Object>> records, List<String> names) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String name : names) {
      XYSeries series = new XYSeries(name, true, true);
      for (Map<String, Object> r : records) {
        if ("step".equals(r.get("type"))
            && r.get(name) instanceof Number v
            && r.get("step") instanceof Number s
            && Double.isFinite(v.doubleValue())) {
          series.addOrUpdate(s.doubleValue(), v.doubleValue());
        }
      }
      data.addSeries(series);
    }
    return data;
  }

  private static void write(
      XYSeriesCollection losses, XYSeriesCollection statistics, String title, Path png)
      throws IOException {
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, "step", "loss", losses, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    Map<String, Paint> colours = new LinkedHashMap<>();
    plot.setRenderer(renderer(losses, colours));
    if (statistics.getSeriesCount() > 0) {
      NumberAxis right = new NumberAxis("cosine / share");
      right.setAutoRangeIncludesZero(true);
      plot.setRangeAxis(1, right);
      plot.setDataset(1, statistics);
      plot.mapDatasetToRangeAxis(1, 1);
      plot.setRenderer(1, renderer(statistics, colours));
    }
    AtomicFiles.write(png, out -> PngCharts.write(out, chart, 900, 500));
  }

  /** Solid lines in palette order; a {@code _chance} series dashed in its term's colour. */
  private static XYLineAndShapeRenderer renderer(
      XYSeriesCollection data, Map<String, Paint> colours) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      String name = data.getSeriesKey(i).toString();
      boolean chance = name.endsWith(CHANCE);
      String term = chance ? name.substring(0, name.length() - CHANCE.length()) : name;
      Paint paint = colours.computeIfAbsent(term, k -> PALETTE[colours.size() % PALETTE.length]);
      renderer.setSeriesPaint(i, paint);
      renderer.setSeriesStroke(
          i,
          chance
              ? new BasicStroke(
                  1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
              : new BasicStroke(1.5f));
    }
    return renderer;
  }
}
