#include "eval/seed_pooled.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "util/error.h"

namespace regenesis {
namespace {

struct Accumulator {
  std::string role;
  bool is_average = false;
  std::vector<std::pair<bool, bool>> pairs;
  std::vector<std::pair<int64_t, int64_t>> seed_correct;  // per seed: before, after
  std::vector<int64_t> seed_pairs;
};

std::string percent(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value * 100.0);
  return buffer;
}

std::string signed_points(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.1f", value * 100.0);
  return buffer;
}

std::string p_text(double p) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, p < 1e-3 ? "%.0e" : "%.3f", p);
  return buffer;
}

std::string accuracy_cell(const PooledComparison& c) {
  return percent(c.after_accuracy()) + " [" + percent(c.after_ci.low) + ", " + percent(c.after_ci.high) + "]";
}

std::string difference_cell(const PooledComparison& c) {
  const bool excludes_zero = c.difference_ci.low > 0 || c.difference_ci.high < 0;
  std::string cell = signed_points(c.difference()) + " [" + signed_points(c.difference_ci.low) + ", " +
                     signed_points(c.difference_ci.high) + "] p=" + p_text(c.p_value);
  return excludes_zero ? "**" + cell + "**" : cell;
}

std::string header_row(const std::vector<PooledComparison>& categories, const std::string& first) {
  std::string header = "| " + first + " |", rule = "|---|";
  for (const PooledComparison& c : categories) {
    header += " " + (c.is_average ? c.category + " (avg)" : c.category) + " |";
    rule += "---|";
  }
  return header + "\n" + rule + "\n";
}

OrderedJson comparison_json(const PooledComparison& c) {
  return {{"category", c.category},
          {"role", c.role},
          {"average", c.is_average},
          {"pairs", c.pairs},
          {"before_accuracy", c.before_accuracy()},
          {"after_accuracy", c.after_accuracy()},
          {"after_ci", {c.after_ci.low, c.after_ci.high}},
          {"difference", c.difference()},
          {"difference_ci", {c.difference_ci.low, c.difference_ci.high}},
          {"only_before", c.only_before},
          {"only_after", c.only_after},
          {"mcnemar_p", c.p_value},
          {"before_by_seed", c.before_by_seed},
          {"after_by_seed", c.after_by_seed}};
}

}  // namespace

std::vector<PooledComparison> pool_over_seeds(const std::vector<const EvalRun*>& before,
                                              const std::vector<const EvalRun*>& after,
                                              const ComparisonOptions& options) {
  if (before.size() != after.size() || before.empty())
    fail("pool_over_seeds: ", before.size(), " baseline evaluations for ", after.size(), " seeds");
  const size_t seeds = after.size();
  std::vector<std::string> order;
  std::map<std::string, Accumulator> by_category;
  auto slot = [&](const std::string& category, const std::string& role, bool average) -> Accumulator& {
    auto [it, added] = by_category.try_emplace(category);
    if (added) {
      order.push_back(category);
      it->second.role = role;
      it->second.is_average = average;
      it->second.seed_correct.assign(seeds, {0, 0});
      it->second.seed_pairs.assign(seeds, 0);
    }
    return it->second;
  };
  for (const BenchmarkScore& score : after[0]->summary.benchmarks) slot(score.name, score.role, false);
  for (const char* role : {"in-domain", "out-of-domain"})
    for (const BenchmarkScore& score : after[0]->summary.benchmarks)
      if (score.role == role) {
        slot(role, role, true);
        break;
      }

  for (size_t s = 0; s < seeds; ++s) {
    int64_t paired = 0;
    for (const BenchmarkScore& score : after[s]->summary.benchmarks) {
      auto lo = after[s]->predictions.lower_bound({score.name, ""});
      for (auto it = lo; it != after[s]->predictions.end() && it->first.first == score.name; ++it) {
        auto match = before[s]->predictions.find(it->first);
        if (match == before[s]->predictions.end()) continue;
        const bool was = match->second.correct, is = it->second.correct;
        ++paired;
        for (const std::string& category : {score.name, score.role}) {
          auto found = by_category.find(category);
          if (found == by_category.end()) continue;  // a benchmark only later seeds have, or "extra"
          Accumulator& a = found->second;
          a.pairs.emplace_back(was, is);
          a.seed_correct[s].first += was;
          a.seed_correct[s].second += is;
          ++a.seed_pairs[s];
        }
      }
    }
    if (paired == 0)
      fail("seed ", s + 1, ": ", after[s]->label, " and ", before[s]->label, " share no question");
  }

  std::vector<PooledComparison> rows;
  for (const std::string& category : order) {
    const Accumulator& a = by_category.at(category);
    PooledComparison c;
    c.category = category;
    c.role = a.role;
    c.is_average = a.is_average;
    c.pairs = static_cast<int64_t>(a.pairs.size());
    for (const auto& [was, is] : a.pairs) {
      c.before_correct += was;
      c.after_correct += is;
      c.only_before += was && !is;
      c.only_after += !was && is;
    }
    c.p_value = mcnemar_exact_p(c.only_before, c.only_after);
    c.difference_ci = paired_bootstrap_interval(a.pairs, options.bootstrap_resamples, options.seed);
    c.before_ci = wilson_interval(c.before_correct, c.pairs);
    c.after_ci = wilson_interval(c.after_correct, c.pairs);
    for (size_t s = 0; s < seeds; ++s) {
      const double n = static_cast<double>(a.seed_pairs[s]);
      c.before_by_seed.push_back(n > 0 ? a.seed_correct[s].first / n : NAN);
      c.after_by_seed.push_back(n > 0 ? a.seed_correct[s].second / n : NAN);
    }
    rows.push_back(std::move(c));
  }
  return rows;
}

SeedTable build_seed_table(const std::string& baseline_name, const std::vector<const EvalRun*>& baseline,
                           const std::vector<SeedMethod>& methods, const std::vector<std::string>& seed_labels,
                           const std::string& reference, const ComparisonOptions& options) {
  SeedTable table;
  table.baseline = baseline_name;
  table.seeds = seed_labels;
  table.methods.push_back(baseline_name);
  table.rows.push_back(pool_over_seeds(baseline, baseline, options));
  const SeedMethod* ref = nullptr;
  for (const SeedMethod& m : methods) {
    table.methods.push_back(m.name);
    table.rows.push_back(pool_over_seeds(baseline, m.runs, options));
    if (m.name == reference) ref = &m;
  }
  if (!reference.empty() && !ref) fail("build_seed_table: no method named ", reference);
  if (ref) {
    table.reference = reference;
    for (const SeedMethod& m : methods)
      if (&m != ref) table.head_to_head.emplace_back(m.name, pool_over_seeds(m.runs, ref->runs, options));
  }
  return table;
}

std::string seed_table_markdown(const SeedTable& t) {
  const std::vector<PooledComparison>& categories = t.rows.front();
  const std::string seeds = std::to_string(t.seeds.size());
  std::string md;
  md += "### Accuracy (%), pooled over " + seeds + " seeds, with 95% Wilson intervals\n\n";
  md += header_row(categories, "method");
  for (size_t m = 0; m < t.methods.size(); ++m) {
    md += "| " + t.methods[m] + " |";
    for (const PooledComparison& c : t.rows[m]) md += " " + accuracy_cell(c) + " |";
    md += "\n";
  }
  md += "\n### Paired difference from " + t.baseline +
        " (points): pooled over seeds, paired-bootstrap 95% interval, exact McNemar p; bold: the interval "
        "excludes 0\n\n";
  md += header_row(categories, "method");
  for (size_t m = 1; m < t.methods.size(); ++m) {
    md += "| " + t.methods[m] + " |";
    for (const PooledComparison& c : t.rows[m]) md += " " + difference_cell(c) + " |";
    md += "\n";
  }
  if (!t.head_to_head.empty()) {
    md += "\n### " + t.reference + " minus each other method (points), paired as above\n\n";
    md += header_row(categories, "vs");
    for (const auto& [name, rows] : t.head_to_head) {
      md += "| " + t.reference + " - " + name + " |";
      for (const PooledComparison& c : rows) md += " " + difference_cell(c) + " |";
      md += "\n";
    }
  }
  md += "\n### Per seed: in-domain / out-of-domain accuracy (%)\n\n| method |";
  std::string rule = "|---|";
  for (const std::string& seed : t.seeds) md += " " + seed + " |", rule += "---|";
  md += "\n" + rule + "\n";
  for (size_t m = 0; m < t.methods.size(); ++m) {
    md += "| " + t.methods[m] + " |";
    for (size_t s = 0; s < t.seeds.size(); ++s) {
      std::string cell;
      for (const PooledComparison& c : t.rows[m])
        if (c.is_average) cell += (cell.empty() ? "" : " / ") + percent(c.after_by_seed[s]);
      md += " " + cell + " |";
    }
    md += "\n";
  }
  return md;
}

OrderedJson seed_table_json(const SeedTable& t) {
  OrderedJson methods = OrderedJson::array();
  for (size_t m = 0; m < t.methods.size(); ++m) {
    OrderedJson rows = OrderedJson::array();
    for (const PooledComparison& c : t.rows[m]) rows.push_back(comparison_json(c));
    methods.push_back({{"method", t.methods[m]}, {"vs_baseline", rows}});
  }
  OrderedJson head = OrderedJson::array();
  for (const auto& [name, rows] : t.head_to_head) {
    OrderedJson list = OrderedJson::array();
    for (const PooledComparison& c : rows) list.push_back(comparison_json(c));
    head.push_back({{"reference", t.reference}, {"other", name}, {"rows", list}});
  }
  return {{"baseline", t.baseline}, {"seeds", t.seeds}, {"methods", methods}, {"head_to_head", head}};
}

BarChart seed_table_chart(const SeedTable& t, const std::string& title) {
  BarChart chart;
  chart.title = title;
  for (const PooledComparison& c : t.rows.front())
    chart.categories.push_back(c.is_average ? c.category + " (avg)" : c.category);
  for (size_t m = 0; m < t.methods.size(); ++m) {
    ChartSeries series;
    series.label = t.methods[m];
    for (const PooledComparison& c : t.rows[m]) {
      series.values.push_back(c.after_accuracy());
      series.intervals.push_back(c.after_ci);
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

}  // namespace regenesis
