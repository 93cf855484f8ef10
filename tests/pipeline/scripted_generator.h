#pragma once
// A Generator test double: replies chosen by the first rule whose pattern occurs in the request's
// user turn (or raw prompt), every request recorded, results delivered in reverse order (callers
// must not depend on order), and an optional failure after N results to simulate a crash.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/generator.h"
#include "util/error.h"

namespace regenesis::test {

class ScriptedGenerator : public Generator {
 public:
  using Reply = std::function<std::string(const GenerationRequest&)>;

  void on(std::string pattern, std::string reply) {
    rules_.emplace_back(std::move(pattern), [reply](const GenerationRequest&) { return reply; });
  }
  void on(std::string pattern, Reply reply) { rules_.emplace_back(std::move(pattern), std::move(reply)); }

  // The text a request carries: the user turn for chat requests, the prompt for raw ones.
  static std::string user_text(const GenerationRequest& request) {
    if (request.prompt) return *request.prompt;
    return request.messages.empty() ? "" : request.messages.back().content;
  }

  void generate(const std::vector<GenerationRequest>& requests,
                const std::function<void(GenerationResult)>& on_result) override {
    batch_sizes.push_back(requests.size());
    for (const auto& r : requests) sent.push_back(r);
    for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
      if (fail_after >= 0 && delivered >= fail_after) fail("scripted generator: simulated crash");
      std::string text = "unscripted reply";
      std::string user = user_text(*it);
      for (const auto& [pattern, reply] : rules_) {
        if (user.find(pattern) != std::string::npos) {
          text = reply(*it);
          break;
        }
      }
      GenerationResult result;
      result.request_id = it->id;
      result.prompt_tokens = static_cast<int>(user.size() / 4);
      result.completions.push_back({text, static_cast<int>(text.size() / 4 + 1), FinishReason::Stop});
      ++delivered;
      on_result(std::move(result));
    }
  }
  std::string describe() const override { return "scripted"; }

  std::vector<GenerationRequest> sent;
  std::vector<size_t> batch_sizes;
  int fail_after = -1;
  int delivered = 0;

 private:
  std::vector<std::pair<std::string, Reply>> rules_;
};

}  // namespace regenesis::test
