#include "model/init_weights.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace regenesis {

namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

// Chunks draw from independent streams so they can be filled in parallel with the same result.
constexpr int64_t kChunk = 1 << 16;

void fill_chunk(float* out, int64_t n, uint64_t state, double std) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  for (int64_t i = 0; i < n; i += 2) {
    // Box-Muller: u1 in (0, 1] keeps the log finite.
    const double u1 = static_cast<double>((splitmix64(state) >> 11) + 1) * 0x1.0p-53;
    const double u2 = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
    const double r = std * std::sqrt(-2.0 * std::log(u1));
    out[i] = static_cast<float>(r * std::cos(kTwoPi * u2));
    if (i + 1 < n) out[i + 1] = static_cast<float>(r * std::sin(kTwoPi * u2));
  }
}

}  // namespace

void fill_seeded_normal(float* out, int64_t n, uint64_t seed, const std::string& stream_key,
                        double std) {
  uint64_t base = seed;
  base = splitmix64(base) ^ fnv1a(stream_key);
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      uint64_t state = base + static_cast<uint64_t>(c) * 0xD1B54A32D192ED03ULL;
      const int64_t offset = c * kChunk;
      fill_chunk(out + offset, std::min(kChunk, n - offset), splitmix64(state), std);
    }
  });
}

std::vector<std::pair<std::string, at::Tensor>> init_random_weights(const ModelConfig& config,
                                                                    uint64_t seed,
                                                                    at::ScalarType dtype) {
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  auto normal = [&](const std::string& name, std::vector<int64_t> shape) {
    at::Tensor t = at::empty(shape, at::kFloat);
    fill_seeded_normal(t.data_ptr<float>(), t.numel(), seed, name, kInitStd);
    tensors.emplace_back(name, t.to(dtype));
  };
  auto ones = [&](const std::string& name, int64_t size) {
    tensors.emplace_back(name, at::ones({size}, at::TensorOptions().dtype(dtype)));
  };
  const int64_t hidden = config.hidden_size, inter = config.intermediate_size;
  const int64_t q_out = config.num_attention_heads * config.head_dim;
  const int64_t kv_out = config.num_key_value_heads * config.head_dim;

  normal("model.embed_tokens.weight", {config.vocab_size, hidden});
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) {
    const std::string layer = "model.layers." + std::to_string(i) + ".";
    ones(layer + "input_layernorm.weight", hidden);
    normal(layer + "self_attn.q_proj.weight", {q_out, hidden});
    normal(layer + "self_attn.k_proj.weight", {kv_out, hidden});
    normal(layer + "self_attn.v_proj.weight", {kv_out, hidden});
    if (config.attention_bias) {
      normal(layer + "self_attn.q_proj.bias", {q_out});
      normal(layer + "self_attn.k_proj.bias", {kv_out});
      normal(layer + "self_attn.v_proj.bias", {kv_out});
    }
    normal(layer + "self_attn.o_proj.weight", {hidden, q_out});
    ones(layer + "post_attention_layernorm.weight", hidden);
    normal(layer + "mlp.gate_proj.weight", {inter, hidden});
    normal(layer + "mlp.up_proj.weight", {inter, hidden});
    normal(layer + "mlp.down_proj.weight", {hidden, inter});
  }
  ones("model.norm.weight", hidden);
  if (!config.tie_word_embeddings) normal("lm_head.weight", {config.vocab_size, hidden});
  return tensors;
}

}  // namespace regenesis
