#include "train/toy_pretrain.h"

#include "model/init_model.h"
#include "model/init_tokenizer.h"
#include "train/checkpoint.h"
#include "train/sft_data.h"
#include "train/train.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/log.h"

namespace regenesis {

namespace {

constexpr int64_t kVocabMultiple = 64;
// The tokenizer learns from this many corpus examples: every word of the toy world occurs in far
// fewer, and learning merges costs time proportional to the text.
constexpr size_t kTokenizerExamples = 4000;

std::filesystem::path pretrain_dir(const std::filesystem::path& out) { return out / "pretrain"; }
std::filesystem::path settings_path(const std::filesystem::path& out) { return pretrain_dir(out) / "settings.json"; }
std::filesystem::path init_dir(const std::filesystem::path& out) { return pretrain_dir(out) / "init"; }

bool model_finished(const std::filesystem::path& out) {
  return std::filesystem::exists(out / "train_summary.json") && std::filesystem::exists(out / "model.safetensors");
}

int64_t parameter_count(const ModelConfig& c) {
  const int64_t attention = c.hidden_size * c.head_dim * (c.num_attention_heads * 2 + c.num_key_value_heads * 2);
  const int64_t mlp = 3 * c.hidden_size * c.intermediate_size;
  const int64_t per_layer = attention + mlp + 2 * c.hidden_size;
  const int64_t embeddings = c.vocab_size * c.hidden_size * (c.tie_word_embeddings ? 1 : 2);
  return c.num_hidden_layers * per_layer + embeddings + c.hidden_size;
}

}  // namespace

void ToyPretrainOptions::validate() const {
  if (out.empty()) fail("toy pretrain: --out is required");
  if (steps < 1) fail("toy pretrain: --steps must be at least 1, got ", steps);
  if (batch_size < 1 || grad_accum < 1) fail("toy pretrain: --batch-size and --grad-accum must be at least 1");
  if (!(learning_rate > 0)) fail("toy pretrain: --lr must be positive");
  if (save_every < 1) fail("toy pretrain: --save-every must be at least 1");
  const ToyModelShape& s = shape;
  if (s.hidden < 8 || s.layers < 1 || s.heads < 1 || s.kv_heads < 1 || s.intermediate < 1)
    fail("toy pretrain: the model shape needs --hidden >= 8 and --layers, --heads, --kv-heads, "
         "--intermediate >= 1");
  if (s.hidden % s.heads != 0) fail("toy pretrain: --heads ", s.heads, " must divide --hidden ", s.hidden);
  if (s.heads % s.kv_heads != 0) fail("toy pretrain: --kv-heads ", s.kv_heads, " must divide --heads ", s.heads);
  if ((s.hidden / s.heads) % 2 != 0) fail("toy pretrain: the head size (--hidden / --heads) must be even (RoPE)");
  if (s.vocab_limit < 300) fail("toy pretrain: --vocab must be at least 300 (3 specials + 256 bytes + merges)");
  if (s.max_positions < 64) fail("toy pretrain: --max-positions must be at least 64");
}

nlohmann::ordered_json ToyPretrainOptions::settings_json() const {
  return {{"seed", seed},
          {"steps", steps},
          {"batch_size", batch_size},
          {"grad_accum", grad_accum},
          {"learning_rate", learning_rate},
          {"warmup_ratio", warmup_ratio},
          {"dtype", dtype},
          {"save_every", save_every},
          {"shape",
           {{"hidden", shape.hidden},
            {"layers", shape.layers},
            {"heads", shape.heads},
            {"kv_heads", shape.kv_heads},
            {"intermediate", shape.intermediate},
            {"max_positions", shape.max_positions},
            {"vocab_limit", shape.vocab_limit},
            {"split_digits", shape.split_digits}}},
          {"corpus", corpus_settings}};
}

ModelConfig toy_model_config(const ToyModelShape& shape, int64_t tokenizer_vocab) {
  ModelConfig c;
  c.architecture = "LlamaForCausalLM";
  c.model_type = "llama";
  c.vocab_size = (tokenizer_vocab + kVocabMultiple - 1) / kVocabMultiple * kVocabMultiple;
  c.hidden_size = shape.hidden;
  c.intermediate_size = shape.intermediate;
  c.num_hidden_layers = shape.layers;
  c.num_attention_heads = shape.heads;
  c.num_key_value_heads = shape.kv_heads;
  c.head_dim = shape.hidden / shape.heads;
  c.max_position_embeddings = shape.max_positions;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 10000.0;
  c.tie_word_embeddings = true;  // at this size the embeddings are a large share of the weights
  c.bos_token_id = kInitBosTokenId;
  c.eos_token_ids = {kInitEosTokenId};
  c.torch_dtype = "float32";
  return c;
}

std::string sft_corpus_text(const std::filesystem::path& sft_jsonl, size_t max_examples) {
  std::string text;
  size_t count = 0;
  for (const SftExample& example : read_sft_jsonl(sft_jsonl)) {
    if (max_examples > 0 && count++ == max_examples) break;
    for (const ChatMessage& message : example.messages) {
      text += message.role;
      text += '\n';
      text += message.content;
      text += '\n';
    }
  }
  return text;
}

ModelConfig write_toy_initial_model(const std::filesystem::path& dir, const std::string& corpus_text,
                                    const ToyModelShape& shape, uint64_t seed) {
  std::string text = corpus_text;
  if (!shape.split_digits) {
    // Every number below 100, bare ("{73}") and after a space (" 73"), twice: each pair then
    // repeats, so the rare large numbers become single tokens like the frequent ones (vocab
    // permitting) instead of some numbers whole and others in pieces.
    for (int copy = 0; copy < 2; ++copy)
      for (int n = 0; n < 100; ++n) text += "{" + std::to_string(n) + "} " + std::to_string(n) + "\n";
  }
  const ByteLevelBpe bpe = train_byte_level_bpe(text, shape.vocab_limit,
                                                {kEndOfTextToken, kImStartToken, kImEndToken},
                                                /*merge_digits=*/!shape.split_digits);
  const ModelConfig config = toy_model_config(shape, static_cast<int64_t>(bpe.vocab.size()));
  write_random_model_dir(dir, config, bpe, seed, "f32");
  return config;
}

TrainOptions toy_pretrain_train_options(const ToyPretrainOptions& options, const std::filesystem::path& init,
                                        const std::filesystem::path& corpus) {
  TrainOptions t;
  t.model_dir = init;
  t.data_path = corpus;
  t.out_dir = options.out;
  t.mode = "full";
  t.learning_rate = options.learning_rate;
  t.epochs = 1;  // the generator is unlimited: every step sees fresh examples
  t.batch_size = options.batch_size;
  t.grad_accum = options.grad_accum;
  t.max_length = static_cast<int>(options.shape.max_positions);
  t.truncate = true;  // a rare over-long example is cut rather than stopping the run
  t.warmup_ratio = options.warmup_ratio;
  t.schedule = "cosine";
  t.weight_decay = 0.01;
  t.adam_beta2 = 0.98;  // the usual choice for training from scratch at a high learning rate
  t.clip = 1.0;
  t.seed = options.seed;
  t.save_every = options.save_every;
  t.keep_checkpoints = 1;
  t.resume = latest_checkpoint(options.out).has_value();  // after a kill: go on from there
  t.dtype = options.dtype;
  t.threads = options.threads;
  t.log_every = 10;
  return t;
}

bool prepare_toy_pretrain(const ToyPretrainOptions& options) {
  options.validate();
  const std::filesystem::path file = settings_path(options.out);
  const nlohmann::ordered_json settings = options.settings_json();
  if (std::filesystem::exists(file)) {
    const Json stored = parse_json(read_file(file), file.string());
    if (stored != Json::parse(settings.dump()))
      fail(options.out.string(), ": holds a toy pretraining with other settings (", file.string(),
           "); choose another --out, or delete the directory to start over");
    return model_finished(options.out);
  }
  if (model_finished(options.out) || latest_checkpoint(options.out))
    fail(options.out.string(), ": holds a model or checkpoints but no ", file.string(),
         "; choose another --out");
  std::filesystem::create_directories(pretrain_dir(options.out));
  write_file_atomic(file, settings.dump(2) + "\n");
  return false;
}

std::filesystem::path toy_pretrain_corpus_path(const std::filesystem::path& out) {
  return pretrain_dir(out) / "corpus.jsonl";
}

ToyPretrainResult run_toy_pretrain(const ToyPretrainOptions& options, const std::filesystem::path& corpus) {
  ToyPretrainResult result;
  const std::filesystem::path init = init_dir(options.out);
  if (!std::filesystem::exists(init / "model.safetensors")) {
    log_info("toy pretrain: learning the tokenizer and writing the random model to " + init.string());
    write_toy_initial_model(init, sft_corpus_text(corpus, kTokenizerExamples), options.shape, options.seed);
  }
  result.config = ModelConfig::load(init);
  result.parameters = parameter_count(result.config);
  if (model_finished(options.out)) {
    result.already_done = true;
  } else {
    log_info("toy pretrain: " + std::to_string(result.parameters) + " parameters, vocab " +
             std::to_string(result.config.vocab_size) + ", " + std::to_string(options.steps) + " steps");
    const TrainResult trained = run_training(toy_pretrain_train_options(options, init, corpus));
    result.steps = trained.total_steps;
    result.resumed_from = trained.start_step;
    result.final_loss = trained.final_loss;
    result.seconds = trained.seconds;
    result.tokens_per_second = trained.tokens_per_second;
  }
  // The checkpoints only serve a resume; the finished model makes them dead weight.
  std::filesystem::remove_all(checkpoints_dir(options.out));
  return result;
}

}  // namespace regenesis
