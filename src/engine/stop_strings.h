#pragma once
// Finds stop strings in text that grows a piece at a time (one decoded token after another), so a
// stop string split across token boundaries is still found, and each piece is scanned only where
// a new match could start.
#include <string>
#include <vector>

namespace regenesis {

class StopStringMatcher {
 public:
  explicit StopStringMatcher(std::vector<std::string> stops);

  // Appends `piece` to the text. Returns true when a stop string now occurs; the text is then cut
  // just before the earliest occurrence and later appends are ignored.
  bool append(const std::string& piece);

  const std::string& text() const { return text_; }
  // How many leading bytes of text() no later append can cut away: all of it once stopped, else
  // all but the longest tail that could still begin a stop string. What a stream may send.
  size_t settled_size() const;
  bool stopped() const { return stopped_; }

 private:
  std::vector<std::string> stops_;
  size_t longest_ = 0;
  std::string text_;
  bool stopped_ = false;
};

}  // namespace regenesis
