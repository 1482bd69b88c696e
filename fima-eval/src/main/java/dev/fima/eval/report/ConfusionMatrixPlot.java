package dev.fima.eval.report;

import dev.fima.djl.train.PngCharts;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * Draws a confusion matrix as a heat map PNG. Each row is normalised by its class's number of
 * videos, so that the diagonal reads as per-class accuracy whatever the class sizes.
 */
public final class ConfusionMatrixPlot {

  /** Class names label the axes up to this many classes; beyond, indices are clearer. */
  private static final int MAX_NAMED_CLASSES = 30;

  static {
    // Rendering needs no display: the CLI and CI run on machines without one.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ConfusionMatrixPlot() {}

  /**
   * Writes the heat map.
   *
   * @param file the PNG to write (atomically)
   * @param confusion counts, row = true class, column = predicted class
   * @param classNames class names, index = label
   * @param title chart title
   */
  public static void write(Path file, long[][] confusion, List<String> classNames, String title) {
    int n = confusion.length;
    double[] xs = new double[n * n];
    double[] ys = new double[n * n];
    double[] zs = new double[n * n];
    for (int t = 0; t < n; t++) {
      long total = 0;
      for (long c : confusion[t]) {
        total += c;
      }
      for (int p = 0; p < n; p++) {
        int i = t * n + p;
        xs[i] = p;
        ys[i] = t;
        zs[i] = total == 0 ? 0 : confusion[t][p] / (double) total;
      }
    }
    DefaultXYZDataset dataset = new DefaultXYZDataset();
    dataset.addSeries("confusion", new double[][] {xs, ys, zs});

    XYBlockRenderer renderer = new XYBlockRenderer();
    PaintScale scale = new WhiteToBlue();
    renderer.setPaintScale(scale);
    XYPlot plot =
        new XYPlot(
            dataset, axis("predicted class", classNames), axis("true class", classNames), renderer);
    plot.getRangeAxis().setInverted(true);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);

    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    NumberAxis legendAxis = new NumberAxis("fraction of the true class");
    legendAxis.setRange(0, 1);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 40, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);

    int side = Math.min(2000, 500 + 8 * n);
    OutputFiles.write(file, out -> PngCharts.write(out, chart, side + 120, side));
  }

  private static ValueAxis axis(String label, List<String> classNames) {
    int n = classNames.size();
    ValueAxis axis;
    if (n <= MAX_NAMED_CLASSES) {
      SymbolAxis symbols = new SymbolAxis(label, classNames.toArray(new String[0]));
      symbols.setGridBandsVisible(false);
      symbols.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, n > 15 ? 9 : 11));
      axis = symbols;
    } else {
      NumberAxis numbers = new NumberAxis(label + " (index)");
      numbers.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
      axis = numbers;
    }
    axis.setRange(-0.5, n - 0.5);
    return axis;
  }

  /** Linear white-to-dark-blue scale on [0, 1]. */
  private static final class WhiteToBlue implements PaintScale {
    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return 1;
    }

    @Override
    public Paint getPaint(double value) {
      double v = Math.max(0, Math.min(1, value));
      return new Color(
          (int) Math.round(255 - v * (255 - 8)),
          (int) Math.round(255 - v * (255 - 48)),
          (int) Math.round(255 - v * (255 - 107)));
    }
  }
}
