#pragma once
// tokenizer.json "post_processor", reduced to what encoding a single sequence needs: the special
// token ids put before and after it when add_special_tokens is set (TemplateProcessing, Bert,
// Roberta, ByteLevel (adds none), Sequence).
#include <cstdint>
#include <vector>

#include "text/tokenizer_json_path.h"

namespace regenesis::tok {

struct SpecialTokenWrap {
  std::vector<int32_t> prefix;
  std::vector<int32_t> suffix;
};

// An empty wrap for a null post_processor.
SpecialTokenWrap parse_post_processor(const JsonNode& node);

}  // namespace regenesis::tok
