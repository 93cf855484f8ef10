// The corpus formats, the format mix and the option checks.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "data/toy_corpus.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis {

const std::vector<ToyFormat>& toy_formats() {
  static const std::vector<ToyFormat> formats = {
      ToyFormat::Direct,     ToyFormat::Select,    ToyFormat::Adapt,         ToyFormat::Implement,
      ToyFormat::Execute,    ToyFormat::HintSelect, ToyFormat::HintAdapt,    ToyFormat::HintImplement,
      ToyFormat::HintExecute};
  return formats;
}

const char* toy_format_name(ToyFormat format) {
  switch (format) {
    case ToyFormat::Direct: return "direct";
    case ToyFormat::Select: return "select";
    case ToyFormat::Adapt: return "adapt";
    case ToyFormat::Implement: return "implement";
    case ToyFormat::Execute: return "execute";
    case ToyFormat::HintSelect: return "hint_select";
    case ToyFormat::HintAdapt: return "hint_adapt";
    case ToyFormat::HintImplement: return "hint_implement";
    case ToyFormat::HintExecute: return "hint_execute";
  }
  return "";
}

ToyFormat parse_toy_format(std::string_view name) {
  std::vector<std::string> names;
  for (ToyFormat format : toy_formats()) {
    if (name == toy_format_name(format)) return format;
    names.push_back(toy_format_name(format));
  }
  fail("unknown corpus format \"", std::string(name), "\" (known: ", join(names, ", "), ")");
}

bool toy_format_is_hint(ToyFormat format) {
  return format == ToyFormat::HintSelect || format == ToyFormat::HintAdapt ||
         format == ToyFormat::HintImplement || format == ToyFormat::HintExecute;
}

bool toy_format_has_solution(ToyFormat format) {
  return format == ToyFormat::Direct || format == ToyFormat::Execute || format == ToyFormat::HintExecute;
}

ToyFormatMix default_toy_mix() {
  // Solutions (direct + execute) are over half: they carry the reasoning the filter grades.
  return {{ToyFormat::Direct, 30},    {ToyFormat::Select, 10},    {ToyFormat::Adapt, 12},
          {ToyFormat::Implement, 12}, {ToyFormat::Execute, 28},   {ToyFormat::HintSelect, 2},
          {ToyFormat::HintAdapt, 2},  {ToyFormat::HintImplement, 2}, {ToyFormat::HintExecute, 2}};
}

ToyFormatMix parse_toy_mix(std::string_view spec) {
  ToyFormatMix mix;
  for (ToyFormat format : toy_formats()) mix[format] = 0;
  double total = 0;
  for (const std::string& part : split(spec, ',')) {
    const std::string item = trim(part);
    const size_t eq = item.find('=');
    if (eq == std::string::npos) fail("--mix: \"", item, "\" is not NAME=WEIGHT");
    const ToyFormat format = parse_toy_format(trim(item.substr(0, eq)));
    const std::string weight_text = trim(item.substr(eq + 1));
    char* end = nullptr;
    const double weight = std::strtod(weight_text.c_str(), &end);
    if (weight_text.empty() || *end != '\0' || !std::isfinite(weight) || weight < 0)
      fail("--mix: weight of ", toy_format_name(format), " (\"", weight_text, "\") is not a number >= 0");
    mix[format] = weight;
    total += weight;
  }
  if (total <= 0) fail("--mix: all weights are 0");
  return mix;
}

std::string toy_mix_text(const ToyFormatMix& mix) {
  std::vector<std::string> parts;
  for (ToyFormat format : toy_formats()) {
    auto it = mix.find(format);
    if (it == mix.end() || it->second == 0) continue;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s=%g", toy_format_name(format), it->second);
    parts.push_back(buffer);
  }
  return join(parts, ",");
}

void ToyCorpusOptions::validate() const {
  auto rate = [](const char* field, double value) {
    if (!std::isfinite(value) || value < 0 || value > 1) fail(field, " must be between 0 and 1, got ", value);
  };
  rate("--error-rate", error_rate);
  rate("--skip-rate", skip_rate);
  rate("--ood-share", ood_share);
  rate("--habit-rate", habit_rate);
  if (error_rate + skip_rate > 1) fail("--error-rate + --skip-rate must be at most 1, got ", error_rate + skip_rate);
  double total = 0;
  for (const auto& [format, weight] : mix) {
    if (!std::isfinite(weight) || weight < 0) fail("--mix: weight of ", toy_format_name(format), " must be >= 0");
    total += weight;
  }
  if (total <= 0) fail("--mix: all weights are 0");
}

}  // namespace regenesis
