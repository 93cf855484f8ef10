#pragma once
// Writing training results in Hugging Face layouts that transformers, vLLM and peft load.
#include <filesystem>
#include <string>

#include <ATen/ATen.h>

#include "model/transformer.h"

namespace regenesis {

// Copies the tokenizer and generation files of a model dir (tokenizer.json,
// tokenizer_config.json, special_tokens_map.json, chat_template.jinja, tokenizer.model,
// added_tokens.json, vocab.json, merges.txt, generation_config.json) that exist.
void copy_tokenizer_files(const std::filesystem::path& base_dir, const std::filesystem::path& out_dir);

// A whole model dir: base_dir's config.json with torch_dtype set for `dtype`, model.safetensors
// (model.named_parameters() stored as `dtype`), and the files of copy_tokenizer_files.
void write_hf_model(Transformer& model, const std::filesystem::path& base_dir,
                    const std::filesystem::path& out_dir, at::ScalarType dtype);

// The storage type of the base model's weights, from config.json torch_dtype: bfloat16, float16,
// else float32. Trained weights are written back in it.
at::ScalarType base_storage_type(const std::filesystem::path& base_dir);

}  // namespace regenesis
