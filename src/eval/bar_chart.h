#pragma once
// Grouped bar charts of accuracies (one group per benchmark, one bar per evaluation), drawn with
// cairo as PNG and SVG: y axis 0-100% with grid lines, value labels, 95% interval whiskers,
// a legend and the benchmark names (turned when they do not fit).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "eval/stats.h"

namespace regenesis {

struct ChartSeries {
  std::string label;            // legend entry, e.g. "base" or "ReGenesis"
  std::vector<double> values;   // one per category, in [0, 1]; NaN draws no bar
  std::vector<Interval> intervals;  // empty, or one per category (whiskers)
};

struct BarChart {
  std::string title;
  std::string y_label = "accuracy (%)";
  std::vector<std::string> categories;
  std::vector<ChartSeries> series;
};

struct Rgb {
  uint8_t r, g, b;
  bool operator==(const Rgb&) const = default;
};
// The fill colour of series i (a fixed palette, repeating after 6).
Rgb series_color(size_t index);

// Pixel geometry of a chart (PNG pixels = SVG user units).
struct ChartBox {
  int x = 0, y = 0, width = 0, height = 0;  // y grows downwards
};
struct ChartLayout {
  int width = 0, height = 0;
  ChartBox plot;                            // the area inside the axes
  std::vector<std::vector<ChartBox>> bars;  // [category][series]; height 0 for NaN or 0
  bool turned_labels = false;               // category names drawn at an angle
};
ChartLayout layout_bar_chart(const BarChart& chart);

// Errors: no categories or series, a series whose size differs from the categories, a value
// outside [0, 1], a file that cannot be written. Files are written atomically.
void write_bar_chart_png(const BarChart& chart, const std::filesystem::path& path);
void write_bar_chart_svg(const BarChart& chart, const std::filesystem::path& path);

}  // namespace regenesis
