#pragma once
// Small string helpers used across modules.
#include <string>
#include <string_view>
#include <vector>

namespace regenesis {

std::string trim(std::string_view text);
std::vector<std::string> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string replace_all(std::string text, std::string_view from, std::string_view to);
std::string to_lower_ascii(std::string_view text);

}  // namespace regenesis
