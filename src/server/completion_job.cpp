#include "server/completion_job.h"

#include <algorithm>
#include <ctime>
#include <random>

#include "util/error.h"
#include "util/log.h"

namespace regenesis {
namespace {

constexpr int kCompletionsDefaultMaxTokens = 16;  // OpenAI's default for /v1/completions

uint64_t draw_seed() {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  return rng() >> 1;  // 63 bits: what clients could also send as a JSON integer
}

size_t count_tokens(const ServedModel& model, const GenerationRequest& request, const char* param) {
  try {
    return model.count_prompt_tokens(request);
  } catch (const Error& e) {
    bad_request(param, e.what());
  }
}

}  // namespace

PreparedCompletion prepare_completion(const ApiRequest& request, const ServedModel& model,
                                      const ApiLimits& limits) {
  if (request.model != model.name)
    throw ApiError(404, "The model '" + request.model + "' does not exist (this server serves '" +
                            model.name + "')",
                   "model", "model_not_found");
  PreparedCompletion out;
  out.head = {new_response_id(request.route), static_cast<long long>(std::time(nullptr)), model.name,
              request.route};
  out.n = request.params.n;
  out.stream = request.stream;
  out.include_usage = request.stream && request.include_usage;
  const uint64_t seed = request.seed ? *request.seed : draw_seed();
  const bool chat = request.route == ApiRoute::Chat;
  const char* param = chat ? "messages" : "prompt";
  const size_t prompts = chat ? 1 : request.prompts.size();
  for (size_t i = 0; i < prompts; ++i) {
    GenerationRequest g;
    g.id = std::to_string(i);
    if (chat)
      g.messages = request.messages;
    else
      g.prompt = request.prompts[i];
    g.params = request.params;
    g.params.seed = seed;
    const size_t tokens = count_tokens(model, g, param);
    if (tokens == 0) bad_request(param, "the prompt is empty (it has no tokens)");
    if (tokens >= static_cast<size_t>(model.max_context))
      throw ApiError(400, "This model's maximum context length is " + std::to_string(model.max_context) +
                              " tokens. However, your prompt has " + std::to_string(tokens) +
                              " tokens, which leaves no room for a completion.",
                     param, "context_length_exceeded");
    const int room = model.max_context - static_cast<int>(tokens);
    g.params.max_tokens = request.max_tokens ? *request.max_tokens
                          : chat             ? std::min(limits.max_tokens, room)
                                             : std::min(kCompletionsDefaultMaxTokens, limits.max_tokens);
    out.echo_prefix.push_back(request.echo && !chat ? request.prompts[i] : "");
    out.requests.push_back(std::move(g));
  }
  return out;
}

CompletionJob::CompletionJob(PreparedCompletion prepared, bool source_streams)
    : prepared_(std::move(prepared)), source_streams_(source_streams) {
  results_.resize(prepared_.requests.size());
  streamed_.assign(prepared_.requests.size(), std::vector<std::string>(prepared_.n));
}

std::shared_ptr<CompletionJob> CompletionJob::start(CompletionSource& source, PreparedCompletion prepared) {
  std::shared_ptr<CompletionJob> job(new CompletionJob(std::move(prepared), source.streams_tokens()));
  if (job->prepared_.stream) {
    std::lock_guard<std::mutex> lock(job->mutex_);
    job->stream_open_locked();
  }
  for (size_t i = 0; i < job->prepared_.requests.size(); ++i) {
    CompletionCallbacks callbacks;
    callbacks.on_text = [job, i](int sample, const std::string& piece) { job->on_text(i, sample, piece); };
    callbacks.on_done = [job, i](GenerationResult result) { job->on_done(i, std::move(result)); };
    callbacks.on_error = [job](const ApiError& error) { job->on_error(error); };
    source.submit(job->prepared_.requests[i], std::move(callbacks));
  }
  return job;
}

void CompletionJob::stream_open_locked() {
  const ResponseHead& head = prepared_.head;
  for (size_t p = 0; p < prepared_.requests.size(); ++p) {
    for (int s = 0; s < prepared_.n; ++s) {
      if (head.route == ApiRoute::Chat)
        outbox_.push_back(sse_event(chat_role_chunk(head, choice_index(p, s), prepared_.include_usage)));
      if (!prepared_.echo_prefix[p].empty())
        outbox_.push_back(sse_event(
            text_chunk(head, choice_index(p, s), prepared_.echo_prefix[p], prepared_.include_usage)));
    }
  }
}

void CompletionJob::on_text(size_t prompt, int sample, const std::string& piece) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!prepared_.stream || stream_closed_ || sample < 0 || sample >= prepared_.n || piece.empty()) return;
  streamed_[prompt][sample] += piece;
  outbox_.push_back(sse_event(text_chunk(prepared_.head, choice_index(prompt, sample), piece,
                                         prepared_.include_usage)));
  changed_.notify_all();
}

void CompletionJob::stream_finish_locked(size_t prompt, const GenerationResult& result) {
  for (int s = 0; s < prepared_.n && s < static_cast<int>(result.completions.size()); ++s) {
    const Completion& c = result.completions[s];
    const std::string& sent = streamed_[prompt][s];
    // Whatever was not streamed yet (everything, for a source that does not stream tokens).
    if (c.text.size() > sent.size() && c.text.compare(0, sent.size(), sent) == 0) {
      outbox_.push_back(sse_event(text_chunk(prepared_.head, choice_index(prompt, s),
                                             c.text.substr(sent.size()), prepared_.include_usage)));
    } else if (c.text != sent) {
      log_warn("serve: streamed text of a completion differs from its final text");
    }
    outbox_.push_back(
        sse_event(finish_chunk(prepared_.head, choice_index(prompt, s), c.finish, prepared_.include_usage)));
  }
}

void CompletionJob::on_done(size_t prompt, GenerationResult result) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_ || results_[prompt]) return;
  if (static_cast<int>(result.completions.size()) != prepared_.n) {
    error_ = ApiError(500, "the engine returned " + std::to_string(result.completions.size()) +
                               " completions, asked for " + std::to_string(prepared_.n),
                      "", "", "server_error");
  } else {
    if (prepared_.stream) stream_finish_locked(prompt, result);
    results_[prompt] = std::move(result);
    ++finished_prompts_;
  }
  if (prepared_.stream && complete_locked() && !stream_closed_) {
    if (error_) outbox_.push_back(sse_event(stream_error_json(*error_)));
    if (!error_ && prepared_.include_usage) {
      TokenUsageCount usage;
      for (const auto& r : results_) {
        usage.prompt_tokens += r->prompt_tokens;
        for (const auto& c : r->completions) usage.completion_tokens += c.completion_tokens;
      }
      outbox_.push_back(sse_event(usage_chunk(prepared_.head, usage)));
    }
    outbox_.push_back(kSseDone);
    stream_closed_ = true;
  }
  changed_.notify_all();
}

void CompletionJob::on_error(const ApiError& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_) return;
  error_ = error;
  if (prepared_.stream && !stream_closed_) {
    outbox_.push_back(sse_event(stream_error_json(error)));
    outbox_.push_back(kSseDone);
    stream_closed_ = true;
  }
  changed_.notify_all();
}

std::string CompletionJob::wait_for_response() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return complete_locked(); });
  if (error_) throw *error_;
  std::vector<ChoiceText> choices;
  TokenUsageCount usage;
  for (size_t p = 0; p < results_.size(); ++p) {
    const GenerationResult& r = *results_[p];
    usage.prompt_tokens += r.prompt_tokens;
    for (int s = 0; s < prepared_.n; ++s) {
      const Completion& c = r.completions[s];
      usage.completion_tokens += c.completion_tokens;
      choices.push_back({choice_index(p, s), prepared_.echo_prefix[p] + c.text, c.finish});
    }
  }
  return full_response_json(prepared_.head, choices, usage);
}

std::optional<std::string> CompletionJob::next_events() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return !outbox_.empty() || done_returned_; });
  if (outbox_.empty()) return std::nullopt;
  std::string events;
  while (!outbox_.empty()) {
    events += outbox_.front();
    outbox_.pop_front();
  }
  if (stream_closed_) done_returned_ = true;
  return events;
}

}  // namespace regenesis
