#pragma once
// Whole-file reading and crash-safe writing.
#include <filesystem>
#include <string>

namespace regenesis {

// The file's bytes; an Error naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Writes to a temporary file beside `path`, fsyncs, then renames over it: a reader sees the old
// content or the new one, never a torn file, even if the process is killed mid-write.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

}  // namespace regenesis
