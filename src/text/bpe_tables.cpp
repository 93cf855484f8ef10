#include "text/bpe_tables.h"

#include <functional>

namespace regenesis::tok {
namespace {

size_t capacity_for(size_t count) {
  size_t capacity = 16;
  while (capacity < count * 2) capacity *= 2;  // load factor at most 1/2
  return capacity;
}

uint64_t mix(uint64_t x) {  // splitmix64 finalizer: spreads pair keys over all bits
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

void TokenTable::reserve(size_t count) {
  strings_.reserve(count);
  ids_.reserve(count);
  if (capacity_for(count) > slots_.size()) {
    slots_.assign(capacity_for(count), 0);
    mask_ = slots_.size() - 1;
    for (size_t index = 0; index < strings_.size(); ++index) {
      uint64_t h = std::hash<std::string_view>{}(strings_[index]);
      size_t slot = h & mask_;
      while (slots_[slot] != 0) slot = (slot + 1) & mask_;
      slots_[slot] = ((h >> 32) << 32) | (index + 1);
    }
  }
}

void TokenTable::grow() { reserve(strings_.size() * 2 + 8); }

void TokenTable::insert(std::string_view token, int32_t id) {
  if ((strings_.size() + 1) * 2 > slots_.size()) grow();
  uint64_t h = std::hash<std::string_view>{}(token);
  uint64_t tag = (h >> 32) << 32;
  size_t slot = h & mask_;
  for (; slots_[slot] != 0; slot = (slot + 1) & mask_) {
    if ((slots_[slot] & ~0xFFFFFFFFULL) == tag &&
        strings_[(slots_[slot] & 0xFFFFFFFFULL) - 1] == token) {
      return;
    }
  }
  slots_[slot] = tag | (strings_.size() + 1);
  strings_.emplace_back(token);
  ids_.push_back(id);
  if (static_cast<size_t>(id) >= by_id_.size()) by_id_.resize(static_cast<size_t>(id) + 1, -1);
  if (by_id_[id] < 0) by_id_[id] = static_cast<int32_t>(strings_.size() - 1);
}

std::optional<int32_t> TokenTable::find(std::string_view token) const {
  if (slots_.empty()) return std::nullopt;
  uint64_t h = std::hash<std::string_view>{}(token);
  uint64_t tag = (h >> 32) << 32;
  for (size_t slot = h & mask_; slots_[slot] != 0; slot = (slot + 1) & mask_) {
    if ((slots_[slot] & ~0xFFFFFFFFULL) != tag) continue;
    size_t index = (slots_[slot] & 0xFFFFFFFFULL) - 1;
    if (strings_[index] == token) return ids_[index];
  }
  return std::nullopt;
}

const std::string* TokenTable::text_of(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= by_id_.size() || by_id_[id] < 0) return nullptr;
  return &strings_[by_id_[id]];
}

void MergeTable::reserve(size_t count) {
  if (capacity_for(count) <= slots_.size()) return;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity_for(count), Slot{kEmpty, {0, 0}});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.key == kEmpty) continue;
    size_t slot = mix(s.key) & mask_;
    while (slots_[slot].key != kEmpty) slot = (slot + 1) & mask_;
    slots_[slot] = s;
  }
}

void MergeTable::grow() { reserve(size_ * 2 + 8); }

void MergeTable::set(int32_t left, int32_t right, MergeRule rule) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
  size_t slot = mix(key) & mask_;
  for (; slots_[slot].key != kEmpty; slot = (slot + 1) & mask_) {
    if (slots_[slot].key == key) {
      slots_[slot].rule = rule;
      return;
    }
  }
  slots_[slot] = Slot{key, rule};
  ++size_;
}

const MergeRule* MergeTable::find(int32_t left, int32_t right) const {
  if (size_ == 0) return nullptr;
  uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
  for (size_t slot = mix(key) & mask_; slots_[slot].key != kEmpty; slot = (slot + 1) & mask_) {
    if (slots_[slot].key == key) return &slots_[slot].rule;
  }
  return nullptr;
}

}  // namespace regenesis::tok
