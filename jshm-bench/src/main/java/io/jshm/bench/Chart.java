package io.jshm.bench;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;

/**
 * The PNG chart of the round-trip percentiles (JFreeChart, drawn headless): one line per
 * transport across p50 ... max, on a logarithmic axis of microseconds.
 */
final class Chart {
    private Chart() {
    }

    static void latency(Table roundTrip, String subtitle, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Table.Row row : roundTrip.rows()) {
            for (int c = 0; c < roundTrip.columns().size(); c++) {
                data.addValue(row.values()[c], row.name(), roundTrip.columns().get(c));
            }
        }
        LogAxis micros = new LogAxis("round trip, µs (log scale)");
        micros.setSmallestValue(0.01);
        micros.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten
        micros.setNumberFormatOverride(new DecimalFormat("#,##0.##"));
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis("percentile"), micros, new LineAndShapeRenderer(true, true));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(roundTrip.title() + " — " + subtitle, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 600);
    }
}
