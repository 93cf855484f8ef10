#include "engine/torch_engine.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <deque>

#include "engine/torch_engine_impl.h"
#include "model/cpu_features.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"

namespace regenesis {

namespace {

at::ScalarType engine_dtype(const std::string& name) {
  if (name == "f32") return at::kFloat;
  if (name == "bf16") return at::kBFloat16;
  fail("unknown dtype '", name, "' (expected auto, f32 or bf16)");
}

// Every id that should end a completion: config.json, generation_config.json (an int or a list)
// and the tokenizer's eos token. Models disagree about where they declare it (Llama 3 instruct
// puts <|eot_id|> only in generation_config.json).
std::vector<int64_t> collect_eos_ids(const std::filesystem::path& dir, const ModelConfig& config,
                                     const Tokenizer& tokenizer) {
  std::vector<int64_t> ids = config.eos_token_ids;
  const auto generation_path = dir / "generation_config.json";
  if (std::filesystem::exists(generation_path)) {
    const Json generation = read_json_file(generation_path);
    if (generation.is_object() && generation.contains("eos_token_id")) {
      const Json& eos = generation["eos_token_id"];
      if (eos.is_number_integer()) {
        ids.push_back(eos.get<int64_t>());
      } else if (eos.is_array()) {
        for (const auto& id : eos) {
          if (!id.is_number_integer())
            fail(generation_path.string(), ": field 'eos_token_id' must be an integer or a list of integers");
          ids.push_back(id.get<int64_t>());
        }
      } else if (!eos.is_null()) {
        fail(generation_path.string(), ": field 'eos_token_id' must be an integer or a list of integers");
      }
    }
  }
  if (auto eos = tokenizer.eos_id()) ids.push_back(*eos);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void validate_params(const GenerationRequest& request) {
  const SamplingParams& p = request.params;
  auto bad = [&](const auto&... parts) { fail("request '", request.id, "': ", parts...); };
  if (p.n < 1) bad("n must be at least 1, got ", p.n);
  if (p.max_tokens < 1) bad("max_tokens must be at least 1, got ", p.max_tokens);
  if (!(p.temperature >= 0)) bad("temperature must be >= 0, got ", p.temperature);
  if (!(p.top_p > 0 && p.top_p <= 1)) bad("top_p must be in (0, 1], got ", p.top_p);
  if (p.top_k < 0) bad("top_k must be >= 0, got ", p.top_k);
}

void check_options(const EngineOptions& o) {
  if (o.max_batch < 1) fail("max batch must be at least 1, got ", o.max_batch);
  if (o.max_context < 0) fail("max context must be >= 0, got ", o.max_context);
  if (o.threads < 0) fail("threads must be >= 0, got ", o.threads);
  if (o.kv_cache_tokens < 0) fail("kv cache tokens must be >= 0, got ", o.kv_cache_tokens);
  if (o.prefix_cache_tokens < -1) fail("prefix cache tokens must be >= -1, got ", o.prefix_cache_tokens);
  if (o.block_size < 1 || o.block_size > 1024) fail("KV block size must be in 1..1024, got ", o.block_size);
  if (o.prefill_chunk < 1) fail("prefill chunk must be at least 1 token, got ", o.prefill_chunk);
}

}  // namespace

const ChatTemplate& TorchEngine::Impl::chat() const {
  std::lock_guard lock(chat_mutex);
  if (!chat_template) chat_template = ChatTemplate::for_model(dir, options.chat_template);
  return *chat_template;
}

std::vector<int64_t> TorchEngine::Impl::prepare(const GenerationRequest& request) const {
  validate_params(request);
  const bool has_messages = !request.messages.empty();
  if (request.prompt.has_value() == has_messages)
    fail("request '", request.id, "': give exactly one of a prompt and chat messages");
  const std::string text =
      has_messages ? chat().render(request.messages, /*add_generation_prompt=*/true) : *request.prompt;
  const auto ids = tokenizer->encode(text, /*add_special_tokens=*/false);
  std::vector<int64_t> prompt(ids.begin(), ids.end());
  const int64_t length = static_cast<int64_t>(prompt.size());
  if (length == 0) fail("request '", request.id, "': the prompt is empty (no tokens)");
  if (length >= max_context)
    fail("request '", request.id, "': the prompt has ", length,
         " tokens, which leaves no room in the context of ", max_context,
         " positions (a longer --max-context, if the model allows it)");
  const int64_t needed = decoder->blocks_for_one_sample(length, request.params.max_tokens);
  if (needed > cache->num_blocks())
    fail("request '", request.id, "': one sample needs ", needed * cache->block_size(),
         " KV cache positions (", length, " prompt tokens + max_tokens ", request.params.max_tokens,
         "), the cache holds ", cache->num_blocks() * cache->block_size(), " (raise kv_cache_tokens)");
  return prompt;
}

TorchEngine::TorchEngine(const std::filesystem::path& model_dir, EngineOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!std::filesystem::is_directory(model_dir))
    fail(model_dir.string(), ": model directory not found");
  check_options(options);
  Impl& m = *impl_;
  m.dir = model_dir;
  m.options = options;
  m.dtype_name = resolve_dtype_name(options.dtype);
  m.dtype = engine_dtype(m.dtype_name);
  m.threads = options.threads > 0 ? options.threads : std::max(1, cpu_features().logical_cores);
  at::set_num_threads(m.threads);
  m.model.emplace(Transformer::load(model_dir, m.dtype));
  m.tokenizer.emplace(Tokenizer::load(model_dir));
  m.eos_ids = collect_eos_ids(model_dir, m.model->config(), *m.tokenizer);
  const int64_t model_context = m.model->config().max_position_embeddings;
  m.max_context = static_cast<int>(options.max_context > 0 ? options.max_context : model_context);

  // The KV pool, allocated once: every sequence's positions come out of it.
  const int64_t bs = options.block_size;
  int64_t tokens = options.kv_cache_tokens > 0
                       ? options.kv_cache_tokens
                       : int64_t(options.max_batch) * std::min<int64_t>(m.max_context, 2048);
  tokens = std::max<int64_t>(tokens, m.max_context + 2 * bs);
  const int64_t blocks = (tokens + bs - 1) / bs;
  m.cache = std::make_unique<KVCache>(m.model->config(), blocks, bs, m.dtype);
  m.prefix_cache_tokens = options.prefix_cache_tokens < 0 ? blocks * bs / 4 : options.prefix_cache_tokens;

  DecodeSettings settings;
  settings.candidate_tokens = std::min<int64_t>(m.model->config().vocab_size,
                                                static_cast<int64_t>(m.tokenizer->vocab_size()));
  settings.eos_ids = m.eos_ids;
  settings.max_positions = m.max_context;
  settings.max_sequences = options.max_batch;
  settings.prefill_chunk_tokens = options.prefill_chunk;
  settings.prefix_cache_tokens = m.prefix_cache_tokens;
  m.decoder = std::make_unique<BatchDecoder>(*m.model, *m.cache, *m.tokenizer, settings);
  log_debug("engine: " + m.dtype_name + ", " + std::to_string(m.threads) + " threads, KV pool " +
            std::to_string(blocks * bs) + " positions (" + std::to_string(m.cache->bytes() >> 20) +
            " MiB), prefix cache up to " + std::to_string(m.prefix_cache_tokens) + " tokens");
}

TorchEngine::~TorchEngine() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    m.stopping = true;
  }
  m.wake.notify_all();
  if (m.loop.joinable()) m.loop.join();
}

std::vector<int64_t> TorchEngine::prompt_tokens(const GenerationRequest& request) const {
  const bool has_messages = !request.messages.empty();
  if (request.prompt.has_value() == has_messages)
    fail("request '", request.id, "': give exactly one of a prompt and chat messages");
  const std::string text =
      has_messages ? impl_->chat().render(request.messages, /*add_generation_prompt=*/true)
                   : *request.prompt;
  const auto ids = impl_->tokenizer->encode(text, /*add_special_tokens=*/false);
  return {ids.begin(), ids.end()};
}

uint64_t TorchEngine::submit(GenerationRequest request, ResultCallback on_result, ErrorCallback on_error,
                             TextCallback on_text) {
  std::vector<int64_t> prompt = impl_->prepare(request);
  return impl_->enqueue(std::move(request), std::move(prompt), std::move(on_result), std::move(on_error),
                        std::move(on_text));
}

void TorchEngine::generate(const std::vector<GenerationRequest>& requests,
                           const std::function<void(GenerationResult)>& on_result) {
  // Everything is checked before anything is queued, so a bad request costs no work.
  std::vector<std::vector<int64_t>> prompts;
  prompts.reserve(requests.size());
  for (const auto& request : requests) prompts.push_back(impl_->prepare(request));
  if (requests.empty()) return;

  // Results come back on the scheduler thread; they are handed to on_result here.
  struct Mailbox {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<GenerationResult> results;
    std::optional<std::string> error;
  };
  auto box = std::make_shared<Mailbox>();
  std::vector<uint64_t> tickets;
  auto cancel_rest = [&] {
    for (uint64_t ticket : tickets) cancel(ticket);
  };
  try {
    for (size_t i = 0; i < requests.size(); ++i)
      tickets.push_back(impl_->enqueue(
          requests[i], std::move(prompts[i]),
          [box](GenerationResult result) {
            std::lock_guard lock(box->mutex);
            box->results.push_back(std::move(result));
            box->ready.notify_one();
          },
          [box](const std::string& message) {
            std::lock_guard lock(box->mutex);
            if (!box->error) box->error = message;
            box->ready.notify_one();
          }));
    for (size_t received = 0; received < requests.size(); ++received) {
      std::unique_lock lock(box->mutex);
      box->ready.wait(lock, [&] { return !box->results.empty() || box->error.has_value(); });
      if (box->results.empty()) fail("embedded engine: ", *box->error);
      GenerationResult result = std::move(box->results.front());
      box->results.pop_front();
      lock.unlock();
      on_result(std::move(result));
    }
  } catch (...) {
    cancel_rest();
    throw;
  }
}

std::string TorchEngine::describe() const { return "embedded:" + impl_->dir.string(); }
const Tokenizer& TorchEngine::tokenizer() const { return *impl_->tokenizer; }
const ModelConfig& TorchEngine::config() const { return impl_->model->config(); }
const std::vector<int64_t>& TorchEngine::eos_ids() const { return impl_->eos_ids; }
int TorchEngine::max_context() const { return impl_->max_context; }
std::string TorchEngine::dtype() const { return impl_->dtype_name; }
int64_t TorchEngine::kv_cache_tokens() const {
  return impl_->cache->num_blocks() * impl_->cache->block_size();
}
int64_t TorchEngine::kv_cache_bytes() const { return static_cast<int64_t>(impl_->cache->bytes()); }
int64_t TorchEngine::prefix_cache_tokens() const { return impl_->prefix_cache_tokens; }

}  // namespace regenesis
