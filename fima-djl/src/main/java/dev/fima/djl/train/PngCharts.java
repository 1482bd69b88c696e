package dev.fima.djl.train;

import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jfree.chart.JFreeChart;

/**
 * Encodes charts as PNG through a memory-cached image stream. JFreeChart's own {@code
 * ChartUtils.writeChartAsPNG} lets ImageIO cache on disk, and that cache registers a JVM shutdown
 * hook, which throws "Shutdown in progress" when the plot is written after Ctrl-C or {@code kill}:
 * the moment a stopped run most needs its loss plot.
 */
public final class PngCharts {

  private PngCharts() {}

  /**
   * Draws a chart and writes it as PNG.
   *
   * @param out the stream to write to, left open
   * @param chart the chart
   * @param width image width in pixels
   * @param height image height in pixels
   * @throws IOException when the stream cannot be written
   */
  public static void write(OutputStream out, JFreeChart chart, int width, int height)
      throws IOException {
    try (ImageOutputStream image = new MemoryCacheImageOutputStream(out)) {
      if (!ImageIO.write(chart.createBufferedImage(width, height), "png", image)) {
        throw new IOException("this Java runtime has no PNG writer");
      }
    }
  }
}
