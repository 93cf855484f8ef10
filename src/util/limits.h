#pragma once
// Upper bounds on what regenesis reads from users' files, so that a malformed or hostile file
// gives a clear Error instead of exhausting memory or the stack. docs/HARDENING.md lists them
// and says why each value was chosen.
#include <cstddef>
#include <cstdint>

namespace regenesis::limits {

inline constexpr size_t kMiB = size_t{1} << 20;

// Nesting of arrays/objects in any JSON we parse. nlohmann parses deep input iteratively, but
// copying, comparing and dumping a value recurse, so depth must be bounded before a value exists.
// Real files nest < 20 levels (tokenizer.json ~6, config.json ~3).
inline constexpr size_t kJsonMaxDepth = 256;

// A JSON file read whole (read_json_file's default): tokenizer.json is the largest (Llama 3:
// 9 MiB, Gemma 3: 33 MiB); 512 MiB is far above any real one.
inline constexpr size_t kJsonFileMaxBytes = 512 * kMiB;

// config.json of a model (real ones are 1-5 KiB).
inline constexpr size_t kModelConfigMaxBytes = 1 * kMiB;

// run.toml (real ones are 1-3 KiB).
inline constexpr size_t kRunConfigMaxBytes = 1 * kMiB;

// A predictions.jsonl of `eval`, read whole on resume and by `grade`/`report`: one line per
// question holds its prompt and completion (MATH's 5,000 questions take ~30 MiB).
inline constexpr size_t kPredictionsFileMaxBytes = 1024 * kMiB;

// A chat_template.jinja file (real templates are 1-20 KiB).
inline constexpr size_t kChatTemplateMaxBytes = 1 * kMiB;

// One line of a JSONL file (questions, SFT data, predictions). A line is read whole before it
// is parsed; real lines are at most a few hundred KiB.
inline constexpr size_t kJsonlLineMaxBytes = 16 * kMiB;

// The JSON header of a .safetensors file: the format's own bound (safetensors' MAX_HEADER_SIZE).
inline constexpr size_t kSafetensorsHeaderMaxBytes = 100'000'000;

// A token id in tokenizer.json (model.vocab and added_tokens). Real vocabularies hold < 300,000
// tokens (Gemma 3: 262,145); the tables are indexed by id, so a huge id in a tiny file would
// allocate gigabytes, and INT32_MAX overflowed the vocabulary size.
inline constexpr int64_t kTokenIdMax = (int64_t{1} << 24) - 1;

}  // namespace regenesis::limits
