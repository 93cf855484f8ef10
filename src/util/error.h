#pragma once
// Errors that reach the user. An Error is a problem with the user's input or environment
// (exit code 1); anything else that escapes is an internal error (exit code 2).
#include <stdexcept>
#include <string>

namespace regenesis {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// "path:line: message" or "path: message" when line is 0.
[[noreturn]] void fail_at(const std::string& path, long line, const std::string& message);

// Builds a message from any streamable pieces: fail("tensor ", name, " has shape ", s).
template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts);

}  // namespace regenesis

#include "util/error_impl.h"
