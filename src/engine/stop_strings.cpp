#include "engine/stop_strings.h"

#include <algorithm>

namespace regenesis {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops) {
  for (auto& stop : stops) {
    if (stop.empty()) continue;  // an empty stop string would end every completion at once
    longest_ = std::max(longest_, stop.size());
    stops_.push_back(std::move(stop));
  }
}

bool StopStringMatcher::append(const std::string& piece) {
  if (stopped_) return true;
  const size_t old_size = text_.size();
  text_ += piece;
  if (stops_.empty() || piece.empty()) return false;
  // A match not seen before must end inside the new piece, so it starts at most longest_ - 1
  // bytes before it.
  const size_t from = old_size >= longest_ - 1 ? old_size - (longest_ - 1) : 0;
  size_t earliest = std::string::npos;
  for (const auto& stop : stops_) earliest = std::min(earliest, text_.find(stop, from));
  if (earliest == std::string::npos) return false;
  text_.resize(earliest);
  stopped_ = true;
  return true;
}

size_t StopStringMatcher::settled_size() const {
  if (stopped_) return text_.size();
  size_t held = 0;  // the longest tail of text_ that is a proper prefix of a stop string
  for (const auto& stop : stops_) {
    for (size_t k = std::min(stop.size() - 1, text_.size()); k > held; --k) {
      if (text_.compare(text_.size() - k, k, stop, 0, k) == 0) {
        held = k;
        break;
      }
    }
  }
  return text_.size() - held;
}

}  // namespace regenesis
