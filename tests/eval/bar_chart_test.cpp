// The charts are real images: PNG signature and size, bar colours where the bars are and in
// proportion to the values, and a well-formed SVG with the same bars.
#include <gtest/gtest.h>

#include <cairo.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "eval/bar_chart.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

BarChart sample_chart() {
  BarChart chart;
  chart.title = "tuned vs base";
  chart.categories = {"gsm8k", "arc_challenge", "svamp", "bbh_logical_deduction_three_objects"};
  chart.series = {{"base", {0.40, 0.20, 0.60, 0.10}, {{0.3, 0.5}, {0.1, 0.3}, {0.5, 0.7}, {0.05, 0.2}}},
                  {"tuned", {0.80, 0.40, 0.90, std::numeric_limits<double>::quiet_NaN()}, {}}};
  return chart;
}

uint32_t big_endian(const std::string& bytes, size_t at) {
  return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
         (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
}

struct Image {
  int width = 0, height = 0;
  std::vector<Rgb> pixels;
  Rgb at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

// Decodes with cairo's PNG reader (libpng), independent of how the chart was drawn.
Image decode_png(const std::filesystem::path& path) {
  cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
  EXPECT_EQ(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
  Image image;
  image.width = cairo_image_surface_get_width(surface);
  image.height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      uint32_t pixel;
      std::memcpy(&pixel, data + y * stride + x * 4, 4);  // native-endian xRGB
      image.pixels.push_back({uint8_t(pixel >> 16), uint8_t(pixel >> 8), uint8_t(pixel)});
    }
  cairo_surface_destroy(surface);
  return image;
}

TEST(BarChart, PngHasSignatureSizeAndBarsOfTheSeriesColours) {
  test::TempDir dir;
  const BarChart chart = sample_chart();
  const auto path = dir / "chart.png";
  write_bar_chart_png(chart, path);
  const std::string bytes = read_file(path);
  ASSERT_GT(bytes.size(), 1000u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  const ChartLayout layout = layout_bar_chart(chart);
  EXPECT_EQ(big_endian(bytes, 16), static_cast<uint32_t>(layout.width));
  EXPECT_EQ(big_endian(bytes, 20), static_cast<uint32_t>(layout.height));
  EXPECT_TRUE(layout.turned_labels);  // the long BBH name does not fit flat

  const Image image = decode_png(path);
  ASSERT_EQ(image.width, layout.width);
  const Rgb white{255, 255, 255};
  for (size_t c = 0; c < chart.categories.size(); ++c)
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const ChartBox& bar = layout.bars[c][s];
      const double value = chart.series[s].values[c];
      if (std::isnan(value)) {
        EXPECT_EQ(bar.height, 0);
        // Above the x axis where the bar would stand: background.
        EXPECT_EQ(image.at(bar.x + bar.width / 4, layout.plot.y + layout.plot.height - 5), white);
        continue;
      }
      EXPECT_NEAR(bar.height, value * layout.plot.height, 1.0);
      // A quarter in from the left (away from the whisker in the middle), half-way up.
      EXPECT_EQ(image.at(bar.x + bar.width / 4, bar.y + bar.height / 2), series_color(s)) << c << "," << s;
      // Just above the bar top: not the bar colour.
      EXPECT_NE(image.at(bar.x + bar.width / 4, bar.y - 2), series_color(s)) << c << "," << s;
    }

  // Independent of the layout: count each series' pixels inside the plot; the ratio of areas
  // is the ratio of the summed values (bars share one width).
  std::map<int, long> count;
  for (int y = layout.plot.y; y < layout.plot.y + layout.plot.height; ++y)
    for (int x = layout.plot.x; x < layout.plot.x + layout.plot.width; ++x)
      for (int s = 0; s < 2; ++s)
        if (image.at(x, y) == series_color(s)) ++count[s];
  const double base_sum = 0.4 + 0.2 + 0.6 + 0.1, tuned_sum = 0.8 + 0.4 + 0.9;
  ASSERT_GT(count[0], 0);
  EXPECT_NEAR(static_cast<double>(count[1]) / count[0], tuned_sum / base_sum, 0.05);
}

// A minimal XML well-formedness check: every tag closes in order, attributes are quoted, one root.
bool well_formed_xml(const std::string& text, std::string& why) {
  std::vector<std::string> open;
  size_t i = 0, roots = 0;
  while ((i = text.find('<', i)) != std::string::npos) {
    if (text.compare(i, 4, "<!--") == 0) {
      i = text.find("-->", i);
      if (i == std::string::npos) return why = "unclosed comment", false;
      continue;
    }
    const size_t end = text.find('>', i);
    if (end == std::string::npos) return why = "unclosed tag", false;
    std::string tag = text.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return why = "mismatched </" + tag.substr(1) + ">", false;
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.back() == '/';
    const std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
    size_t quotes = 0;
    for (char ch : tag) quotes += ch == '"';
    if (quotes % 2 != 0) return why = "unbalanced quotes in <" + name + ">", false;
    if (open.empty()) ++roots;
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) return why = "unclosed <" + open.back() + ">", false;
  if (roots != 1) return why = "expected one root element", false;
  return true;
}

TEST(BarChart, SvgIsWellFormedWithTheBarColoursAndSize) {
  test::TempDir dir;
  const BarChart chart = sample_chart();
  write_bar_chart_svg(chart, dir / "chart.svg");
  const std::string svg = read_file(dir / "chart.svg");
  std::string why;
  EXPECT_TRUE(well_formed_xml(svg, why)) << why;
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  const ChartLayout layout = layout_bar_chart(chart);
  EXPECT_NE(svg.find("width=\"" + std::to_string(layout.width) + "pt\""), std::string::npos);
  // cairo writes fills as "fill:rgb(29.803922%,44.705882%,69.019608%)": read every fill back to
  // 0-255 channels.
  std::set<std::tuple<int, int, int>> fills;
  for (size_t at = svg.find("fill:rgb("); at != std::string::npos; at = svg.find("fill:rgb(", at + 1)) {
    double r, g, b;
    ASSERT_EQ(std::sscanf(svg.c_str() + at, "fill:rgb(%lf%%,%lf%%,%lf%%)", &r, &g, &b), 3);
    fills.insert({int(std::lround(r * 2.55)), int(std::lround(g * 2.55)), int(std::lround(b * 2.55))});
  }
  for (size_t s = 0; s < 2; ++s) {
    const Rgb c = series_color(s);
    EXPECT_TRUE(fills.count({c.r, c.g, c.b})) << "series " << s;
  }
  // Text is drawn as glyphs (<symbol>/<use>), so labels exist as glyph references.
  EXPECT_NE(svg.find("<use"), std::string::npos);
}

TEST(BarChart, BadInputIsAnError) {
  test::TempDir dir;
  BarChart chart = sample_chart();
  chart.series[0].values.pop_back();
  EXPECT_THROW(write_bar_chart_png(chart, dir / "x.png"), Error);
  chart = sample_chart();
  chart.series[1].values[0] = 1.5;
  EXPECT_THROW(write_bar_chart_svg(chart, dir / "x.svg"), Error);
  EXPECT_THROW(write_bar_chart_png(BarChart{}, dir / "x.png"), Error);
}

}  // namespace
}  // namespace regenesis
