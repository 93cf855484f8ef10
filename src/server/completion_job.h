#pragma once
// One /v1/completions or /v1/chat/completions request from validation to response: turns the
// parsed ApiRequest into engine requests (one per prompt), submits them to the CompletionSource
// and collects what comes back, either into one JSON response or as a sequence of server-sent
// events for `stream: true`. No HTTP library types here.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/api_error.h"
#include "server/api_request.h"
#include "server/api_response.h"
#include "server/completion_source.h"
#include "server/served_model.h"

namespace regenesis {

// The engine requests of an API request, with the parameters the server decides: the seed
// (drawn when absent), and max_tokens (absent: 16 for completions as OpenAI's default, the rest
// of the context for chat, both capped by limits.max_tokens). Throws ApiError 400 for an unknown
// model (404), an empty prompt, a prompt that fills the context, or one the template rejects.
struct PreparedCompletion {
  ResponseHead head;
  std::vector<GenerationRequest> requests;  // one per prompt, ids "0", "1", ...
  std::vector<std::string> echo_prefix;     // per prompt: "" unless echo
  int n = 1;
  bool stream = false;
  bool include_usage = false;
};
PreparedCompletion prepare_completion(const ApiRequest& request, const ServedModel& model,
                                      const ApiLimits& limits);

class CompletionJob {
 public:
  // Submits every request of `prepared` to `source`. The job lives until the source's callbacks
  // are done, even when the client has gone (the shared_ptr is held by them).
  static std::shared_ptr<CompletionJob> start(CompletionSource& source, PreparedCompletion prepared);

  // Non-streaming: blocks until everything is done; the response body, or throws the first
  // ApiError the source reported.
  std::string wait_for_response();

  // Streaming: blocks until there is something to send and returns it (one or more SSE events);
  // nullopt after the final "data: [DONE]" was returned. An error after the stream started is
  // sent as an event with OpenAI's error object, followed by [DONE].
  std::optional<std::string> next_events();

 private:
  explicit CompletionJob(PreparedCompletion prepared, bool source_streams);
  void on_text(size_t prompt, int sample, const std::string& piece);
  void on_done(size_t prompt, GenerationResult result);
  void on_error(const ApiError& error);
  void stream_open_locked();        // role chunks (chat) and echoed prompts
  void stream_finish_locked(size_t prompt, const GenerationResult& result);
  int choice_index(size_t prompt, int sample) const { return static_cast<int>(prompt) * prepared_.n + sample; }
  bool complete_locked() const { return error_ || finished_prompts_ == prepared_.requests.size(); }

  PreparedCompletion prepared_;
  bool source_streams_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::optional<GenerationResult>> results_;  // per prompt
  std::vector<std::vector<std::string>> streamed_;        // per prompt, per sample: text sent
  size_t finished_prompts_ = 0;
  std::optional<ApiError> error_;
  std::deque<std::string> outbox_;  // SSE events not yet taken by next_events()
  bool stream_closed_ = false;      // [DONE] queued
  bool done_returned_ = false;
};

}  // namespace regenesis
