#pragma once
// Whole-file reading and crash-safe writing.
#include <cstddef>
#include <filesystem>
#include <string>

namespace regenesis {

// The file's bytes; an Error naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);
// The same, with an Error naming the path and the limit when the file holds more than
// `max_bytes` (checked before reading when the size is known; see util/limits.h).
std::string read_file(const std::filesystem::path& path, size_t max_bytes);

// "512 MiB", "1.5 KiB", "17 bytes": sizes in error messages.
std::string format_bytes(size_t bytes);

// Writes to a temporary file beside `path`, fsyncs, then renames over it: a reader sees the old
// content or the new one, never a torn file, even if the process is killed mid-write.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

}  // namespace regenesis
