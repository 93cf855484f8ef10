#pragma once
// The ReGenesis prompts as data: the seed and hint guideline lists and one template per stage,
// from the built-in set (prompts/regenesis, compiled in) or a user directory with the same file
// names. prompts/README.md describes the file format and the placeholders.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace regenesis {

struct PromptSet {
  std::string source;  // "built-in:regenesis" or the directory it was read from
  std::vector<std::string> seed_guidelines;  // SELECT list and the singleton candidates
  std::vector<std::string> hint_guidelines;  // the hint SELECT list
  std::string system;
  std::string select, adapt, implement, execute;
  std::string hint_select, hint_adapt, hint_implement, hint_execute;
  std::string self_judge;
  std::string train_prompt;

  // `name` is a directory under prompts/ of the source tree, compiled in ("regenesis").
  static PromptSet builtin(const std::string& name = "regenesis");
  static PromptSet load_directory(const std::filesystem::path& dir);
  // Hash of every byte that reaches the model; part of the run's fingerprint.
  std::string fingerprint() const;
};

// Fills `{name}` placeholders in one pass over the template: inserted values are never scanned
// again, and brace text that is not a key of `values` stays as it is.
std::string fill_template(std::string_view templ, const std::map<std::string, std::string>& values);

// The official code writes "<---box--->" and replaces it with "\boxed{Your Answer}" once the
// prompt is complete (after the chat template); this does that replacement.
std::string replace_box_placeholder(std::string text);

// "0. first\n1. second" (SELECT) and "first\nsecond" (hint SELECT).
std::string numbered_guidelines(const std::vector<std::string>& guidelines);
std::string plain_guidelines(const std::vector<std::string>& guidelines);

}  // namespace regenesis
