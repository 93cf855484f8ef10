#include "engine/torch_engine.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "engine/batch_decoder.h"
#include "model/kv_cache.h"
#include "model/transformer.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {

namespace {

at::ScalarType engine_dtype(const std::string& name) {
  if (name == "f32") return at::kFloat;
  if (name == "bf16") return at::kBFloat16;
  fail("unknown dtype '", name, "' (expected f32 or bf16)");
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

}  // namespace

struct TorchEngine::Impl {
  std::filesystem::path dir;
  EngineOptions options;
  at::ScalarType dtype;
  std::optional<Transformer> model;
  std::optional<Tokenizer> tokenizer;
  mutable std::optional<ChatTemplate> chat_template;  // loaded on first use
  std::vector<int64_t> eos_ids;
  int max_context = 0;
  std::unique_ptr<KVCache> cache;  // kept between calls; replaced when a call needs more

  const ChatTemplate& chat() const {
    if (!chat_template) chat_template = ChatTemplate::for_model(dir, options.chat_template);
    return *chat_template;
  }

  KVCache& cache_for(int64_t slots, int64_t positions) {
    if (!cache || cache->num_slots() < slots || cache->max_seq_len() < positions) {
      cache.reset();  // free the old one before allocating the new one
      cache = std::make_unique<KVCache>(model->config(), slots, positions, dtype);
    }
    return *cache;
  }
};

TorchEngine::TorchEngine(const std::filesystem::path& model_dir, EngineOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!std::filesystem::is_directory(model_dir))
    fail(model_dir.string(), ": model directory not found");
  if (options.max_batch < 1) fail("max batch must be at least 1, got ", options.max_batch);
  if (options.max_context < 0) fail("max context must be >= 0, got ", options.max_context);
  Impl& m = *impl_;
  m.dir = model_dir;
  m.options = options;
  m.dtype = engine_dtype(options.dtype);
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  m.model.emplace(Transformer::load(model_dir, m.dtype));
  m.tokenizer.emplace(Tokenizer::load(model_dir));
  m.eos_ids = collect_eos_ids(model_dir, m.model->config(), *m.tokenizer);
  const int64_t model_context = m.model->config().max_position_embeddings;
  m.max_context = static_cast<int>(options.max_context > 0 ? options.max_context : model_context);
}

TorchEngine::~TorchEngine() = default;

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

void TorchEngine::generate(const std::vector<GenerationRequest>& requests,
                           const std::function<void(GenerationResult)>& on_result) {
  Impl& m = *impl_;
  // Everything is checked before anything is generated, so a bad request costs no work.
  std::vector<PreparedRequest> prepared;
  prepared.reserve(requests.size());
  int64_t sequences = 0, positions = 1;
  for (const auto& request : requests) {
    validate_params(request);
    PreparedRequest p{&request, prompt_tokens(request)};
    const int64_t length = static_cast<int64_t>(p.prompt.size());
    if (length == 0) fail("request '", request.id, "': the prompt is empty (no tokens)");
    if (length >= m.max_context)
      fail("request '", request.id, "': the prompt has ", length,
           " tokens, which leaves no room in the context of ", m.max_context,
           " positions (a longer --max-context, if the model allows it)");
    sequences += request.params.n;
    positions = std::max(positions, std::min<int64_t>(m.max_context, length + request.params.max_tokens));
    prepared.push_back(std::move(p));
  }
  if (prepared.empty()) return;

  c10::InferenceMode inference;
  DecodeSettings settings;
  settings.candidate_tokens = std::min<int64_t>(m.model->config().vocab_size,
                                                static_cast<int64_t>(m.tokenizer->vocab_size()));
  settings.eos_ids = m.eos_ids;
  settings.max_positions = m.max_context;
  KVCache& cache = m.cache_for(std::min<int64_t>(m.options.max_batch, sequences), positions);
  run_batched_decode(*m.model, cache, *m.tokenizer, settings, prepared, on_result);
}

std::string TorchEngine::describe() const { return "embedded:" + impl_->dir.string(); }
const Tokenizer& TorchEngine::tokenizer() const { return *impl_->tokenizer; }
const ModelConfig& TorchEngine::config() const { return impl_->model->config(); }
const std::vector<int64_t>& TorchEngine::eos_ids() const { return impl_->eos_ids; }
int TorchEngine::max_context() const { return impl_->max_context; }

}  // namespace regenesis
