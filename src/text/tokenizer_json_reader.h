#pragma once
// Fast reading of a tokenizer.json file. model.vocab and model.merges are most of a large file
// (Gemma 3: 262k tokens and 515k merges in 33 MB); built as a JSON DOM they would cost more than
// everything else together, so they are read straight into flat arrays and the DOM gets null in
// their place.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace regenesis::tok {

struct BpeTables {
  bool has_vocab = false;
  bool has_merges = false;
  std::vector<std::pair<std::string, int32_t>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;
};

// Parses the text of a tokenizer.json. Errors name `source`: invalid JSON (with the byte
// position), a vocab entry that is not a non-negative id, a malformed merge (with its index).
nlohmann::json parse_tokenizer_json(const std::string& text, const std::string& source,
                                    BpeTables& tables);

// Appends entry `index` of a DOM "model.merges" ("a b" or ["a", "b"]) in the same flat form; an
// Error naming `source` and the index when it is neither.
void split_merge_entry(const nlohmann::json& entry, size_t index, const std::string& source,
                       std::vector<std::pair<std::string, std::string>>& out);

}  // namespace regenesis::tok
