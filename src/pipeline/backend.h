#pragma once
// Where generation happens, chosen by the config's [backend] type: one factory, so the pipeline
// and eval never know which backend they talk to.
#include <memory>

#include "engine/generator.h"
#include "engine/openai_client.h"
#include "pipeline/path_filter.h"
#include "pipeline/run_config.h"

namespace regenesis {

// "embedded": TorchEngine on model.path; "openai": OpenAIClient over backend.endpoints.
// An unknown type, a missing model or an unset API key variable is an Error.
std::unique_ptr<Generator> make_generator(const RunConfig& config);

// The client settings of an "openai" [backend] section.
OpenAIClientOptions openai_client_options(const RunConfig::Backend& backend);

// Token counts for the length gate: the tokenizer of filter.tokenizer, else of model.path
// (the released code used tiktoken cl100k_base, which we do not have; see docs/PIPELINE.md).
TokenCounter make_token_counter(const RunConfig& config);

}  // namespace regenesis
