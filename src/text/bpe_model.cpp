#include "text/bpe_model.h"

#include <cstdio>
#include <mutex>
#include <queue>

#include "text/unicode_utf8.h"
#include "util/error.h"
#include "util/limits.h"

namespace regenesis::tok {
namespace {

constexpr size_t kCacheCapacity = 100000;
constexpr size_t kCacheMaxWordBytes = 256;

struct Symbol {
  int32_t id;
  int32_t prev;
  int32_t next;
  bool alive;
};

struct Candidate {
  int32_t rank;
  int32_t pos;
  int32_t left_id;  // the pair it was made for: stale once either symbol has changed
  int32_t right_id;
  int32_t new_id;
  // Lowest rank first; for equal ranks the leftmost pair.
  bool operator>(const Candidate& other) const {
    return rank != other.rank ? rank > other.rank : pos > other.pos;
  }
};

}  // namespace

std::unique_ptr<BpeModel> BpeModel::from_json(const JsonNode& model, BpeTables* tables) {
  auto bpe = std::make_unique<BpeModel>();
  if (auto dropout = model.optional_field("dropout")) {
    if (!dropout->value().is_number()) dropout->fail("must be a number or null");
    if (dropout->value().get<double>() > 0.0) {
      dropout->fail("> 0 is not supported (BPE dropout is for training only)");
    }
  }
  if (tables && tables->has_vocab) {
    bpe->vocab_.reserve(tables->vocab.size());
    for (const auto& [token, id] : tables->vocab) bpe->vocab_.insert(token, id);
    tables->vocab = {};
  } else {
    JsonNode vocab = model.field("vocab");
    if (!vocab.value().is_object()) vocab.fail("must be an object mapping tokens to ids");
    bpe->vocab_.reserve(vocab.value().size());
    for (const auto& [token, id_json] : vocab.value().items()) {
      if (!id_json.is_number_integer() || id_json.get<long long>() < 0 ||
          id_json.get<long long>() > limits::kTokenIdMax) {
        vocab.fail("entry '" + token + "' must map to a non-negative integer id (at most " +
                   std::to_string(limits::kTokenIdMax) + ")");
      }
      bpe->vocab_.insert(token, static_cast<int32_t>(id_json.get<long long>()));
    }
  }

  bpe->continuing_subword_prefix_ = model.string_or("continuing_subword_prefix", "");
  bpe->end_of_word_suffix_ = model.string_or("end_of_word_suffix", "");
  bpe->fuse_unk_ = model.bool_or("fuse_unk", false);
  bpe->byte_fallback_ = model.bool_or("byte_fallback", false);
  bpe->ignore_merges_ = model.bool_or("ignore_merges", false);
  if (auto unk = model.optional_field("unk_token")) {
    auto id = bpe->token_to_id(unk->as_string());
    if (!id) unk->fail("'" + unk->as_string() + "' is not in model.vocab");
    bpe->unk_id_ = id;
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    bpe->byte_token_ids_[b] = bpe->token_to_id(name).value_or(-1);
  }
  if (tables && tables->has_merges) {
    bpe->load_merges(tables->merges, model.source());
    tables->merges = {};
  } else if (auto merges = model.optional_field("merges")) {
    std::vector<std::pair<std::string, std::string>> pairs;
    pairs.reserve(merges->array_size());
    for (size_t i = 0; i < merges->array_size(); ++i) {
      split_merge_entry(merges->value()[i], i, model.source(), pairs);
    }
    bpe->load_merges(pairs, model.source());
  }
  return bpe;
}

void BpeModel::load_merges(const std::vector<std::pair<std::string, std::string>>& merges,
                           const std::string& source) {
  merges_.reserve(merges.size());
  std::string merged;
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    auto left_id = token_to_id(left);
    auto right_id = token_to_id(right);
    if (!left_id || !right_id) {
      fail(source, ": model.merges[", rank, "] refers to token '", left_id ? right : left,
           "', which is not in model.vocab");
    }
    std::string_view right_part = right;
    if (!continuing_subword_prefix_.empty() && right_part.starts_with(continuing_subword_prefix_)) {
      right_part.remove_prefix(continuing_subword_prefix_.size());
    }
    merged.assign(left).append(right_part);
    auto merged_id = token_to_id(merged);
    if (!merged_id) {
      fail(source, ": model.merges[", rank, "] produces '", merged, "', which is not in model.vocab");
    }
    // A repeated pair keeps its last rank, as HF tokenizers does.
    merges_.set(*left_id, *right_id, MergeRule{static_cast<int32_t>(rank), *merged_id});
  }
}

std::optional<int32_t> BpeModel::token_to_id(std::string_view token) const {
  return vocab_.find(token);
}

void BpeModel::initial_symbols(std::string_view word, std::vector<int32_t>& ids) const {
  std::optional<int32_t> pending_unk;  // a run of unknown characters, fused when fuse_unk
  std::string affixed;
  for (size_t pos = 0; pos < word.size();) {
    size_t begin = pos;
    pos += unicode::codepoint_length(word, pos);
    std::string_view piece = word.substr(begin, pos - begin);
    bool first = begin == 0, last = pos == word.size();
    if ((!first && !continuing_subword_prefix_.empty()) || (last && !end_of_word_suffix_.empty())) {
      affixed.assign(first ? "" : continuing_subword_prefix_);
      affixed.append(piece);
      if (last) affixed.append(end_of_word_suffix_);
      piece = affixed;
    }
    if (auto id = token_to_id(piece)) {
      if (pending_unk) ids.push_back(*std::exchange(pending_unk, std::nullopt));
      ids.push_back(*id);
      continue;
    }
    if (byte_fallback_) {
      bool all_bytes = true;
      for (char c : piece) all_bytes = all_bytes && byte_token_ids_[static_cast<unsigned char>(c)] >= 0;
      if (all_bytes) {
        if (pending_unk) ids.push_back(*std::exchange(pending_unk, std::nullopt));
        for (char c : piece) ids.push_back(byte_token_ids_[static_cast<unsigned char>(c)]);
        continue;
      }
    }
    if (!unk_id_) continue;  // no way to represent it: HF drops it too
    if (pending_unk && !fuse_unk_) ids.push_back(*pending_unk);
    pending_unk = unk_id_;
  }
  if (pending_unk) ids.push_back(*pending_unk);
}

void BpeModel::merge_word(std::string_view word, std::vector<int32_t>& out) const {
  std::vector<int32_t> ids;
  initial_symbols(word, ids);
  if (ids.size() < 2 || merges_.empty()) {
    out.insert(out.end(), ids.begin(), ids.end());
    return;
  }
  std::vector<Symbol> symbols(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    symbols[i] = {ids[i], static_cast<int32_t>(i) - 1,
                  i + 1 < ids.size() ? static_cast<int32_t>(i + 1) : -1, true};
  }
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  auto consider = [&](int32_t pos) {
    int32_t next = symbols[pos].next;
    if (next < 0) return;
    if (const MergeRule* rule = merges_.find(symbols[pos].id, symbols[next].id)) {
      queue.push({rule->rank, pos, symbols[pos].id, symbols[next].id, rule->new_id});
    }
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i) consider(static_cast<int32_t>(i));

  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[top.pos];
    // Skip entries made stale by an earlier merge of either symbol.
    if (!left.alive || left.next < 0 || left.id != top.left_id ||
        symbols[left.next].id != top.right_id) {
      continue;
    }
    Symbol& right = symbols[left.next];
    left.id = top.new_id;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = top.pos;
    if (left.prev >= 0) consider(left.prev);
    consider(top.pos);
  }
  for (const Symbol& s : symbols) {
    if (s.alive) out.push_back(s.id);
  }
}

void BpeModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    if (auto id = token_to_id(word)) {
      out.push_back(*id);
      return;
    }
  }
  bool cacheable = word.size() < kCacheMaxWordBytes;
  if (cacheable) {
    std::shared_lock lock(cache_mutex_);
    auto it = cache_.find(word);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  size_t first = out.size();
  merge_word(word, out);
  if (cacheable) {
    std::unique_lock lock(cache_mutex_);
    if (cache_.size() < kCacheCapacity) {
      cache_.emplace(std::string(word), std::vector<int32_t>(out.begin() + first, out.end()));
    }
  }
}

}  // namespace regenesis::tok
