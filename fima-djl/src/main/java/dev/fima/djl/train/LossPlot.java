package dev.fima.djl.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Line charts of training curves (one series per loss term over steps) written as PNG. */
public final class LossPlot {

  private LossPlot() {}

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
    write(data, title, png);
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
    write(data, title, png);
  }

  private static void write(XYSeriesCollection data, String title, Path png) throws IOException {
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, "step", "loss", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    plot.setRenderer(renderer);
    AtomicFiles.write(png, out -> PngCharts.write(out, chart, 900, 500));
  }
}
