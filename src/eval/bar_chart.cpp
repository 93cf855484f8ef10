#include "eval/bar_chart.h"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

constexpr const char* kFont = "DejaVu Sans";
constexpr double kLabelSize = 12.0;
constexpr double kTitleSize = 16.0;
constexpr double kTurnDegrees = 35.0;
constexpr int kHeight = 480;

struct Fixed {
  int left = 72, right = 24, top = 80, bottom_flat = 56;
};

void check(const BarChart& chart) {
  if (chart.categories.empty()) fail("bar chart '", chart.title, "': no categories");
  if (chart.series.empty()) fail("bar chart '", chart.title, "': no series");
  for (const ChartSeries& s : chart.series) {
    if (s.values.size() != chart.categories.size())
      fail("bar chart series '", s.label, "' has ", s.values.size(), " values for ", chart.categories.size(),
           " categories");
    if (!s.intervals.empty() && s.intervals.size() != s.values.size())
      fail("bar chart series '", s.label, "' has ", s.intervals.size(), " intervals for ", s.values.size(),
           " values");
    for (double v : s.values)
      if (!std::isnan(v) && (v < 0.0 || v > 1.0))
        fail("bar chart series '", s.label, "': value ", v, " is outside [0, 1]");
  }
}

using ContextPtr = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;

double text_width(cairo_t* cr, const std::string& text, double size) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

// Text measurement needs a cairo context; a 1x1 image surface is enough.
double widest_label(const BarChart& chart) {
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1), cairo_surface_destroy);
  ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
  double widest = 0;
  for (const std::string& c : chart.categories) widest = std::max(widest, text_width(cr.get(), c, kLabelSize));
  return widest;
}

void set_color(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0); }

void draw_text(cairo_t* cr, const std::string& text, double x, double y, double size, double align_x,
               bool bold = false) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  cairo_move_to(cr, x - extents.x_advance * align_x, y);
  cairo_show_text(cr, text.c_str());
}

std::string percent_label(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value * 100.0);
  return buffer;
}

void draw_axes_and_grid(cairo_t* cr, const BarChart& chart, const ChartLayout& layout) {
  const ChartBox& p = layout.plot;
  cairo_set_line_width(cr, 1.0);
  for (int tick = 0; tick <= 100; tick += 20) {
    const double y = std::round(p.y + p.height - p.height * tick / 100.0) + 0.5;
    set_color(cr, tick == 0 ? Rgb{0, 0, 0} : Rgb{221, 221, 221});
    cairo_move_to(cr, p.x, y);
    cairo_line_to(cr, p.x + p.width, y);
    cairo_stroke(cr);
    set_color(cr, {0, 0, 0});
    draw_text(cr, std::to_string(tick) + "%", p.x - 8, y + 4, kLabelSize, 1.0);
  }
  set_color(cr, {0, 0, 0});
  cairo_move_to(cr, p.x - 0.5, p.y);
  cairo_line_to(cr, p.x - 0.5, p.y + p.height + 0.5);
  cairo_stroke(cr);
  // The y-axis title, turned to read bottom-up.
  cairo_save(cr);
  cairo_translate(cr, 18, p.y + p.height / 2.0);
  cairo_rotate(cr, -M_PI / 2.0);
  draw_text(cr, chart.y_label, 0, 0, kLabelSize, 0.5);
  cairo_restore(cr);
}

void draw_bars(cairo_t* cr, const BarChart& chart, const ChartLayout& layout) {
  for (size_t c = 0; c < chart.categories.size(); ++c)
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const ChartBox& bar = layout.bars[c][s];
      const double value = chart.series[s].values[c];
      if (std::isnan(value)) continue;
      // Whole-pixel rectangles without antialiasing: the bar colour is exact in the PNG.
      cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
      set_color(cr, series_color(s));
      cairo_rectangle(cr, bar.x, bar.y, bar.width, bar.height);
      cairo_fill(cr);
      cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
      const double center = bar.x + bar.width / 2.0;
      double label_y = bar.y - 4;
      // A whisker only where the interval has a width (a mean of tasks has none).
      if (!chart.series[s].intervals.empty() &&
          chart.series[s].intervals[c].high - chart.series[s].intervals[c].low > 1e-12) {
        const Interval& ci = chart.series[s].intervals[c];
        const ChartBox& p = layout.plot;
        const double low = p.y + p.height - p.height * ci.low;
        const double high = p.y + p.height - p.height * ci.high;
        set_color(cr, {40, 40, 40});
        cairo_set_line_width(cr, 1.0);
        cairo_move_to(cr, center, low);
        cairo_line_to(cr, center, high);
        for (double y : {low, high}) {
          cairo_move_to(cr, center - 3, y);
          cairo_line_to(cr, center + 3, y);
        }
        cairo_stroke(cr);
        label_y = std::min(label_y, high - 4);
      }
      set_color(cr, {0, 0, 0});
      draw_text(cr, percent_label(value), center, label_y, 9.0, 0.5);
    }
}

void draw_category_labels(cairo_t* cr, const BarChart& chart, const ChartLayout& layout) {
  const ChartBox& p = layout.plot;
  const double group = static_cast<double>(p.width) / chart.categories.size();
  set_color(cr, {0, 0, 0});
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double x = p.x + group * (c + 0.5);
    const double y = p.y + p.height + 18;
    if (!layout.turned_labels) {
      draw_text(cr, chart.categories[c], x, y, kLabelSize, 0.5);
      continue;
    }
    cairo_save(cr);
    cairo_translate(cr, x + 4, y - 6);
    cairo_rotate(cr, -kTurnDegrees * M_PI / 180.0);
    draw_text(cr, chart.categories[c], 0, 0, kLabelSize, 1.0);
    cairo_restore(cr);
  }
}

void draw_title_and_legend(cairo_t* cr, const BarChart& chart, const ChartLayout& layout) {
  set_color(cr, {0, 0, 0});
  draw_text(cr, chart.title, layout.width / 2.0, 24, kTitleSize, 0.5, true);
  // Legend entries right-aligned in one row under the title.
  double total = 0;
  std::vector<double> widths;
  for (const ChartSeries& s : chart.series) {
    widths.push_back(text_width(cr, s.label, kLabelSize));
    total += 14 + 6 + widths.back() + 18;
  }
  double x = layout.plot.x + layout.plot.width - total + 18;
  const double y = 42;
  for (size_t s = 0; s < chart.series.size(); ++s) {
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    set_color(cr, series_color(s));
    cairo_rectangle(cr, std::round(x), y, 14, 14);
    cairo_fill(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    set_color(cr, {0, 0, 0});
    draw_text(cr, chart.series[s].label, x + 20, y + 12, kLabelSize, 0.0);
    x += 14 + 6 + widths[s] + 18;
  }
}

void draw(cairo_t* cr, const BarChart& chart, const ChartLayout& layout) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  draw_axes_and_grid(cr, chart, layout);
  draw_bars(cr, chart, layout);
  draw_category_labels(cr, chart, layout);
  draw_title_and_legend(cr, chart, layout);
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check_status(cairo_status_t status, const std::filesystem::path& path) {
  if (status != CAIRO_STATUS_SUCCESS)
    fail_at(path.string(), 0, std::string("cairo: ") + cairo_status_to_string(status));
}

}  // namespace

Rgb series_color(size_t index) {
  static const Rgb palette[] = {{76, 114, 176}, {221, 132, 82}, {85, 168, 104},
                                {196, 78, 82},  {129, 114, 179}, {147, 120, 96}};
  return palette[index % 6];
}

ChartLayout layout_bar_chart(const BarChart& chart) {
  check(chart);
  const Fixed fixed;
  const size_t categories = chart.categories.size(), series = chart.series.size();
  ChartLayout layout;
  // Room for every bar at a readable width; at least 640 px wide.
  const int group_width = std::max<int>(static_cast<int>(series) * 26 + 30, 70);
  layout.width = std::max<int>(640, fixed.left + fixed.right + static_cast<int>(categories) * group_width);
  const double widest = widest_label(chart);
  const int group = (layout.width - fixed.left - fixed.right) / static_cast<int>(categories);
  layout.turned_labels = widest > group - 6;
  const int bottom = layout.turned_labels
                         ? fixed.bottom_flat + static_cast<int>(widest * std::sin(kTurnDegrees * M_PI / 180.0))
                         : fixed.bottom_flat;
  layout.height = kHeight + (bottom - fixed.bottom_flat);
  layout.plot = {fixed.left, fixed.top, layout.width - fixed.left - fixed.right, layout.height - fixed.top - bottom};
  const double group_exact = static_cast<double>(layout.plot.width) / categories;
  const int bar_width = std::min(40, static_cast<int>(group_exact * 0.8 / series));
  layout.bars.assign(categories, std::vector<ChartBox>(series));
  for (size_t c = 0; c < categories; ++c) {
    const int start = static_cast<int>(std::round(layout.plot.x + group_exact * c +
                                                  (group_exact - bar_width * static_cast<double>(series)) / 2));
    for (size_t s = 0; s < series; ++s) {
      const double value = chart.series[s].values[c];
      const int height = std::isnan(value) ? 0 : static_cast<int>(std::round(layout.plot.height * value));
      ChartBox& bar = layout.bars[c][s];
      bar.x = start + static_cast<int>(s) * bar_width;
      bar.width = bar_width - 2;  // a 2 px gap between neighbouring bars
      bar.height = height;
      bar.y = layout.plot.y + layout.plot.height - height;
    }
  }
  return layout;
}

void write_bar_chart_png(const BarChart& chart, const std::filesystem::path& path) {
  const ChartLayout layout = layout_bar_chart(chart);
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, layout.width, layout.height),
                     cairo_surface_destroy);
  check_status(cairo_surface_status(surface.get()), path);
  {
    ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
    draw(cr.get(), chart, layout);
    check_status(cairo_status(cr.get()), path);
  }
  cairo_surface_flush(surface.get());
  std::string bytes;
  check_status(cairo_surface_write_to_png_stream(surface.get(), append_to_string, &bytes), path);
  write_file_atomic(path, bytes);
}

void write_bar_chart_svg(const BarChart& chart, const std::filesystem::path& path) {
  const ChartLayout layout = layout_bar_chart(chart);
  std::string bytes;
  {
    SurfacePtr surface(cairo_svg_surface_create_for_stream(append_to_string, &bytes, layout.width, layout.height),
                       cairo_surface_destroy);
    check_status(cairo_surface_status(surface.get()), path);
    {
      ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
      draw(cr.get(), chart, layout);
      check_status(cairo_status(cr.get()), path);
    }
    cairo_surface_finish(surface.get());
    check_status(cairo_surface_status(surface.get()), path);
  }
  write_file_atomic(path, bytes);
}

}  // namespace regenesis
