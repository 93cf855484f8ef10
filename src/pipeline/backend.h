#pragma once
// Where generation happens, chosen by the config's [backend] type. One factory, so another
// backend (e.g. "openai" over engine/openai_client.h) is one more branch here.
#include <memory>

#include "engine/generator.h"
#include "pipeline/path_filter.h"
#include "pipeline/run_config.h"

namespace regenesis {

// "embedded": TorchEngine on model.path. An unknown type or a missing model is an Error.
std::unique_ptr<Generator> make_generator(const RunConfig& config);

// Token counts for the length gate: the tokenizer of filter.tokenizer, else of model.path
// (the released code used tiktoken cl100k_base, which we do not have; see docs/PIPELINE.md).
TokenCounter make_token_counter(const RunConfig& config);

}  // namespace regenesis
