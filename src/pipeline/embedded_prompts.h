#pragma once
// The files of prompts/ compiled into the binary (cmake/EmbedFiles.cmake generates the
// definition), so the built-in prompt sets work from any directory.
#include <cstddef>

namespace regenesis {

struct EmbeddedFile {
  const char* path;  // relative to prompts/, '/'-separated, e.g. "regenesis/select.txt"
  const unsigned char* data;
  std::size_t size;
};

const EmbeddedFile* embedded_prompt_files(std::size_t* count);

}  // namespace regenesis
