#pragma once
// Reading server-sent events back in tests: the payloads of "data: ...\n\n" events, checked to
// be exactly that format, and the per-choice texts a stream adds up to.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace regenesis::test {

// Every event's payload, in order. Fails the test on anything that is not "data: X\n\n".
inline std::vector<std::string> sse_payloads(const std::string& stream) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < stream.size()) {
    if (stream.compare(at, 6, "data: ") != 0) {
      ADD_FAILURE() << "event at byte " << at << " does not start with 'data: '";
      return out;
    }
    const size_t end = stream.find("\n\n", at);
    if (end == std::string::npos) {
      ADD_FAILURE() << "event at byte " << at << " is not terminated by a blank line";
      return out;
    }
    out.push_back(stream.substr(at + 6, end - at - 6));
    at = end + 2;
  }
  return out;
}

struct StreamSummary {
  std::map<int, std::string> text;           // per choice index: the deltas joined
  std::map<int, std::string> finish_reason;  // per choice index
  std::map<int, int> finish_chunks;          // chunks with a non-null finish_reason
  std::vector<std::string> roles;            // chat: roles announced, in order
  std::vector<nlohmann::json> chunks;        // every JSON chunk
  nlohmann::json usage;                      // the usage chunk's usage (null when none)
  bool done_last = false;                    // the stream ended with [DONE], once
  std::set<std::string> ids;
};

// Parses a whole stream of "text_completion" (chat=false) or "chat.completion.chunk" chunks.
inline StreamSummary summarize_stream(const std::string& stream, bool chat) {
  StreamSummary s;
  std::vector<std::string> payloads = sse_payloads(stream);
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (payloads[i] == "[DONE]") {
      s.done_last = i + 1 == payloads.size();
      continue;
    }
    nlohmann::json chunk = nlohmann::json::parse(payloads[i]);
    s.chunks.push_back(chunk);
    if (chunk.contains("error")) continue;
    EXPECT_EQ(chunk.at("object"), chat ? "chat.completion.chunk" : "text_completion");
    s.ids.insert(chunk.at("id").get<std::string>());
    if (chunk.contains("usage") && !chunk["usage"].is_null()) {
      EXPECT_TRUE(chunk.at("choices").empty());
      s.usage = chunk["usage"];
    }
    for (const auto& choice : chunk.at("choices")) {
      const int index = choice.at("index").get<int>();
      if (chat) {
        const auto& delta = choice.at("delta");
        if (delta.contains("role")) s.roles.push_back(delta["role"].get<std::string>());
        if (delta.contains("content")) s.text[index] += delta["content"].get<std::string>();
      } else {
        s.text[index] += choice.at("text").get<std::string>();
      }
      if (!choice.at("finish_reason").is_null()) {
        s.finish_reason[index] = choice["finish_reason"].get<std::string>();
        ++s.finish_chunks[index];
      }
    }
  }
  return s;
}

}  // namespace regenesis::test
