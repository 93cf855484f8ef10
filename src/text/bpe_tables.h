#pragma once
// Flat open-addressing hash tables for the BPE model: the vocabulary (token text -> id) and the
// merge table ((left id, right id) -> rank and merged id). Real vocabularies hold up to 262k
// tokens and 515k merges; node-based maps spend most of the load and merge time on cache misses.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regenesis::tok {

class TokenTable {
 public:
  void reserve(size_t count);
  // Adds `token` with `id`; a token already present keeps its first id.
  void insert(std::string_view token, int32_t id);
  std::optional<int32_t> find(std::string_view token) const;
  // The text of `id` (the first token given that id); nullptr when none.
  const std::string* text_of(int32_t id) const;
  int32_t max_id() const { return static_cast<int32_t>(by_id_.size()) - 1; }

 private:
  void grow();
  std::vector<std::string> strings_;   // every token, in insertion order
  std::vector<int32_t> ids_;           // the id of strings_[i]
  std::vector<int32_t> by_id_;         // id -> index in strings_, -1 for none
  std::vector<uint64_t> slots_;        // (hash high bits << 32) | (index + 1); 0 is empty
  size_t mask_ = 0;
};

struct MergeRule {
  int32_t rank;
  int32_t new_id;
};

class MergeTable {
 public:
  void reserve(size_t count);
  // Sets the rule for the pair (a later rule for the same pair replaces it, as in HF).
  void set(int32_t left, int32_t right, MergeRule rule);
  const MergeRule* find(int32_t left, int32_t right) const;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    uint64_t key;  // kEmpty when unused
    MergeRule rule;
  };
  static constexpr uint64_t kEmpty = ~0ULL;
  void grow();
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace regenesis::tok
