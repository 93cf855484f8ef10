#pragma once
// tokenizer.json "normalizer": text rewrites applied to every piece of input between added tokens
// before pre-tokenization (Sequence, NFC/NFD/NFKC/NFKD, Lowercase, Replace, Prepend, Strip).
#include <memory>
#include <string>

#include "text/tokenizer_json_path.h"

namespace regenesis::tok {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// nullptr for a null normalizer; an Error naming the JSON path for an unsupported type.
std::unique_ptr<Normalizer> make_normalizer(const JsonNode& node);

}  // namespace regenesis::tok
