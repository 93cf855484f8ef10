#include "pipeline/stage_runner.h"

#include <unordered_map>

#include "pipeline/hashing.h"
#include "util/error.h"

namespace regenesis {

PromptRenderer::PromptRenderer(std::string system, const std::string& chat_template)
    : system_(std::move(system)) {
  if (!chat_template.empty()) template_ = ChatTemplate::named(chat_template);
}

GenerationRequest PromptRenderer::request(std::string id, const std::string& user,
                                          SamplingParams params) const {
  return request(std::move(id), {}, user, std::move(params));
}

GenerationRequest PromptRenderer::request(std::string id, const std::vector<ChatMessage>& history,
                                          const std::string& user, SamplingParams params) const {
  GenerationRequest request;
  request.id = std::move(id);
  request.params = std::move(params);
  // An empty system.txt means no system message (a model trained without one, e.g. the toy).
  std::vector<ChatMessage> messages;
  if (!system_.empty()) messages.push_back({"system", system_});
  messages.insert(messages.end(), history.begin(), history.end());
  messages.push_back({"user", user});
  if (template_) request.prompt = template_->render(messages, true);
  else request.messages = std::move(messages);
  return request;
}

std::string PromptRenderer::identity(const GenerationRequest& request) const {
  if (request.prompt) return "raw:" + *request.prompt;
  std::string text = "chat:";
  for (const auto& m : request.messages) {
    text += std::to_string(m.role.size()) + ":" + m.role;
    text += std::to_string(m.content.size()) + ":" + m.content;
  }
  return text;
}

SamplingParams sampling_params(const SamplingConfig& config, uint64_t seed) {
  SamplingParams params;
  params.temperature = config.temperature;
  params.top_p = config.top_p;
  params.top_k = config.top_k;
  params.max_tokens = config.max_tokens;
  params.stop = config.stop;
  params.n = 1;
  params.seed = seed;
  return params;
}

StageRunner::StageRunner(Generator& generator, RunStore& store, const PromptRenderer& renderer,
                         uint64_t run_seed)
    : generator_(generator), store_(store), renderer_(renderer), run_seed_(run_seed) {}

void StageRunner::run(const std::vector<PendingRequest>& pending, const SamplingConfig& sampling,
                      Progress* progress,
                      const std::function<void(const OutputRecord&)>& on_commit) {
  if (pending.empty()) return;
  std::vector<GenerationRequest> requests;
  requests.reserve(pending.size());
  struct Meta {
    const PendingRequest* pending;
    uint64_t seed;
    std::string prompt_hash;
  };
  std::unordered_map<std::string, Meta> by_id;
  for (const auto& p : pending) {
    std::string id = p.key.to_string();
    const uint64_t seed = request_seed(run_seed_, id);
    auto request = renderer_.request(id, p.history, p.user, sampling_params(sampling, seed));
    by_id[id] = {&p, seed, hash_hex(renderer_.identity(request))};
    requests.push_back(std::move(request));
  }
  generator_.generate(requests, [&](GenerationResult result) {
    auto it = by_id.find(result.request_id);
    if (it == by_id.end()) fail("internal: the generator answered an unknown request '",
                                result.request_id, "'");
    if (result.completions.empty())
      fail("the generator returned no completion for request ", result.request_id);
    const Completion& completion = result.completions.front();
    const PendingRequest& p = *it->second.pending;
    OutputRecord record;
    record.key = p.key;
    record.text = completion.text;
    record.prompt_tokens = result.prompt_tokens;
    record.completion_tokens = completion.completion_tokens;
    record.finish = finish_reason_name(completion.finish);
    record.seed = it->second.seed;
    record.prompt_hash = it->second.prompt_hash;
    if (p.path) {
      PathRecord path = *p.path;
      path.path = completion.text;
      path.finish = record.finish;
      store_.put_output(record, &path);
    } else {
      store_.put_output(record);
    }
    by_id.erase(it);  // a second answer for the same id is an error, not a duplicate row
    generated_tokens_ += record.completion_tokens;
    if (progress) progress->advance(1);
    if (on_commit) on_commit(record);
  });
  if (!by_id.empty())
    fail("the generator finished without answering ", by_id.size(), " of ", pending.size(),
         " requests (first: ", by_id.begin()->first, ")");
}

}  // namespace regenesis
