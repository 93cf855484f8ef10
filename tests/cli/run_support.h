#pragma once
// Shared by the `run` CLI tests: one tiny random model per test binary, a question file and a
// small config writer.
#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.h"
#include "util/files.h"

namespace regenesis::test {

// A `model init` tiny llama, made once per process.
inline const std::filesystem::path& tiny_model() {
  static TempDir* dir = [] {
    auto* d = new TempDir();
    auto r = run_regenesis({"model", "init", "--preset", "tiny", "--arch", "llama", "--out",
                            (d->path() / "tiny").string()});
    if (r.exit_code != 0) throw std::runtime_error("model init failed: " + r.err);
    return d;
  }();
  static const std::filesystem::path path = dir->path() / "tiny";
  return path;
}

// The first `n` questions of the bundled GSM8K sample.
inline std::filesystem::path sample_questions(const TempDir& dir, int n) {
  std::ifstream in(source_dir() / "examples" / "data" / "gsm8k_sample.jsonl");
  std::string line, text;
  for (int i = 0; i < n && std::getline(in, line); ++i) text += line + "\n";
  auto path = dir / "questions.jsonl";
  write_file_atomic(path, text);
  return path;
}

// A config for a run that takes seconds: few candidates, 4-token completions.
inline std::filesystem::path write_small_config(const TempDir& dir, const std::string& extra = "",
                                                int questions = 2) {
  auto data = sample_questions(dir, questions);
  std::string toml = "seed = 5\n" + extra +
                     "\n[run]\ndir = \"run\"\n"
                     "[model]\npath = \"" + tiny_model().string() + "\"\nthreads = 1\n"
                     "[data]\nquestions = \"" + data.string() + "\"\n"
                     "[synthesis]\nselections = 1\nsingletons = 1\nmax_tokens = 4\n"
                     "[rescue]\nselections = 1\nmax_tokens = 4\n";
  auto path = dir / "run.toml";
  write_file_atomic(path, toml);
  return path;
}

}  // namespace regenesis::test
