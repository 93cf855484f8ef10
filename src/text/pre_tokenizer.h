#pragma once
// tokenizer.json "pre_tokenizer": cuts normalized text into the words the BPE model sees
// (Sequence, Split, ByteLevel, Digits, Metaspace, Whitespace, WhitespaceSplit).
#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer_json_path.h"

namespace regenesis::tok {

struct PreToken {
  std::string text;
  // Whether this piece begins at the very start of the input (Metaspace's "first" scheme
  // prepends its '▁' only there).
  bool at_input_start = false;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces every piece by its sub-pieces, in order.
  virtual void split(std::vector<PreToken>& pieces) const = 0;
};

// nullptr for a null pre-tokenizer; an Error naming the JSON path for an unsupported type.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonNode& node);

}  // namespace regenesis::tok
