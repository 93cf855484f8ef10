#pragma once
// Test helpers for the model tests: tiny random Llama-family models written to disk in HF layout,
// and an independent float64 reference forward in plain C++ loops (per-head, with the KV heads
// explicitly repeated, RoPE applied pair by pair) to check Transformer against.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/tensor_io.h"

namespace regenesis::test {

inline ModelConfig tiny_config(const std::string& family) {
  ModelConfig c;
  c.vocab_size = 40;
  c.hidden_size = 24;
  c.intermediate_size = 40;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 6;
  c.num_key_value_heads = 2;  // groups of 3
  c.head_dim = 4;
  c.max_position_embeddings = 64;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 10000.0;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  c.torch_dtype = "float32";
  if (family == "llama" || family == "llama3") {
    c.architecture = "LlamaForCausalLM";
    c.model_type = "llama";
  }
  if (family == "llama3") {
    // head_dim 8 gives wavelengths 6.3, 63, 628, 6283: one kept, one interpolated, two stretched.
    c.hidden_size = 32;
    c.num_attention_heads = 4;
    c.head_dim = 8;
    c.tie_word_embeddings = true;
    c.rope_scaling = RopeScaling{"llama3", 8.0, 1.0, 8.0, 256};
  } else if (family == "qwen2") {
    c.architecture = "Qwen2ForCausalLM";
    c.model_type = "qwen2";
    c.attention_bias = true;
    c.hidden_size = 16;
    c.num_attention_heads = 4;
    c.num_key_value_heads = 1;  // groups of 4
    c.head_dim = 6;             // heads * head_dim != hidden_size
    c.rope_theta = 1e6;
    c.tie_word_embeddings = true;
  } else if (family == "mistral") {
    c.architecture = "MistralForCausalLM";
    c.model_type = "mistral";
    c.num_attention_heads = 4;
    c.num_key_value_heads = 4;  // plain multi-head
    c.head_dim = 6;
    c.sliding_window = 3;  // small enough to matter in a 7-token test
  }
  return c;
}

// Random weights under the HF names, float32, deterministic for a seed.
inline std::map<std::string, at::Tensor> random_weights(const ModelConfig& c, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto randn = [&](std::vector<int64_t> shape, double scale) {
    return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)) * scale;
  };
  const int64_t h = c.hidden_size, q = c.num_attention_heads * c.head_dim,
                kv = c.num_key_value_heads * c.head_dim, inter = c.intermediate_size;
  std::map<std::string, at::Tensor> w;
  w["model.embed_tokens.weight"] = randn({c.vocab_size, h}, 1.0);
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    w[p + "input_layernorm.weight"] = 1 + randn({h}, 0.2);
    w[p + "post_attention_layernorm.weight"] = 1 + randn({h}, 0.2);
    w[p + "self_attn.q_proj.weight"] = randn({q, h}, 0.6 / std::sqrt(double(h)));
    w[p + "self_attn.k_proj.weight"] = randn({kv, h}, 0.6 / std::sqrt(double(h)));
    w[p + "self_attn.v_proj.weight"] = randn({kv, h}, 1.0 / std::sqrt(double(h)));
    w[p + "self_attn.o_proj.weight"] = randn({h, q}, 1.0 / std::sqrt(double(q)));
    if (c.attention_bias) {
      w[p + "self_attn.q_proj.bias"] = randn({q}, 0.5);
      w[p + "self_attn.k_proj.bias"] = randn({kv}, 0.5);
      w[p + "self_attn.v_proj.bias"] = randn({kv}, 0.5);
    }
    w[p + "mlp.gate_proj.weight"] = randn({inter, h}, 1.0 / std::sqrt(double(h)));
    w[p + "mlp.up_proj.weight"] = randn({inter, h}, 1.0 / std::sqrt(double(h)));
    w[p + "mlp.down_proj.weight"] = randn({h, inter}, 1.0 / std::sqrt(double(inter)));
  }
  w["model.norm.weight"] = 1 + randn({h}, 0.2);
  if (!c.tie_word_embeddings) w["lm_head.weight"] = randn({c.vocab_size, h}, 1.0 / std::sqrt(double(h)));
  return w;
}

// config.json + model.safetensors in `dir`.
inline void write_model_dir(const std::filesystem::path& dir, const ModelConfig& config,
                            const std::map<std::string, at::Tensor>& weights) {
  std::filesystem::create_directories(dir);
  config.save(dir);
  std::vector<std::pair<std::string, at::Tensor>> list(weights.begin(), weights.end());
  save_safetensors(dir / "model.safetensors", list);
}

// ---- the independent reference: float64, scalar loops, no ATen math ----

struct Matrix {  // row-major [rows, cols]
  int64_t rows = 0, cols = 0;
  std::vector<double> data;
  double at(int64_t r, int64_t c) const { return data[r * cols + c]; }
};

inline Matrix to_matrix(const at::Tensor& t) {
  at::Tensor d = t.to(at::kDouble).contiguous();
  Matrix m;
  m.rows = d.dim() == 2 ? d.size(0) : 1;
  m.cols = d.dim() == 2 ? d.size(1) : d.size(0);
  m.data.assign(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
  return m;
}

using Vec = std::vector<double>;

inline Vec matvec(const Matrix& m, const Vec& x) {
  Vec y(m.rows, 0.0);
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c) y[r] += m.at(r, c) * x[c];
  return y;
}

inline Vec rms_normed(const Vec& x, const Matrix& weight, double eps) {
  double sum = 0;
  for (double v : x) sum += v * v;
  const double scale = 1.0 / std::sqrt(sum / x.size() + eps);
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale * weight.data[i];
  return y;
}

// One frequency per dimension pair, including llama3's wavelength bands.
inline Vec reference_frequencies(const ModelConfig& c) {
  Vec freqs;
  for (int64_t i = 0; i < c.head_dim / 2; ++i) {
    double f = 1.0 / std::pow(c.rope_theta, 2.0 * i / c.head_dim);
    if (c.rope_scaling && c.rope_scaling->type == "llama3") {
      const auto& s = *c.rope_scaling;
      const double wavelength = 2 * M_PI / f;
      const double low_cut = s.original_max_position_embeddings / s.low_freq_factor;
      const double high_cut = s.original_max_position_embeddings / s.high_freq_factor;
      if (wavelength > low_cut) {
        f = f / s.factor;
      } else if (wavelength >= high_cut) {
        const double t = (s.original_max_position_embeddings / wavelength - s.low_freq_factor) /
                         (s.high_freq_factor - s.low_freq_factor);
        f = (1 - t) * f / s.factor + t * f;
      }
    }
    freqs.push_back(f);
  }
  return freqs;
}

// Rotates head `head` of vector v (heads of head_dim) for position pos: pairs (i, i + half).
inline void rotate_head(Vec& v, int64_t head, int64_t head_dim, int64_t pos, const Vec& freqs) {
  const int64_t half = head_dim / 2, base = head * head_dim;
  for (int64_t i = 0; i < half; ++i) {
    const double a = v[base + i], b = v[base + i + half];
    const double angle = pos * freqs[i];
    v[base + i] = a * std::cos(angle) - b * std::sin(angle);
    v[base + i + half] = b * std::cos(angle) + a * std::sin(angle);
  }
}

// Logits [T][vocab] of the whole token sequence (positions 0..T-1).
inline std::vector<Vec> reference_logits(const ModelConfig& c,
                                         const std::map<std::string, at::Tensor>& weights,
                                         const std::vector<int64_t>& tokens) {
  auto W = [&](const std::string& name) { return to_matrix(weights.at(name)); };
  auto add = [](Vec& x, const Vec& y) {
    for (size_t i = 0; i < x.size(); ++i) x[i] += y[i];
  };
  const int64_t T = static_cast<int64_t>(tokens.size()), hd = c.head_dim,
                heads = c.num_attention_heads, group = heads / c.num_key_value_heads;
  const Vec freqs = reference_frequencies(c);
  const Matrix embed = W("model.embed_tokens.weight");
  std::vector<Vec> x(T);
  for (int64_t t = 0; t < T; ++t)
    x[t] = Vec(embed.data.begin() + tokens[t] * embed.cols, embed.data.begin() + (tokens[t] + 1) * embed.cols);

  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    const Matrix wq = W(p + "self_attn.q_proj.weight"), wk = W(p + "self_attn.k_proj.weight"),
                 wv = W(p + "self_attn.v_proj.weight"), wo = W(p + "self_attn.o_proj.weight");
    std::vector<Vec> q(T), k_rep(T), v_rep(T);  // K/V repeated up to one per query head
    for (int64_t t = 0; t < T; ++t) {
      const Vec n = rms_normed(x[t], W(p + "input_layernorm.weight"), c.rms_norm_eps);
      q[t] = matvec(wq, n);
      Vec k = matvec(wk, n), v = matvec(wv, n);
      if (c.attention_bias) {
        add(q[t], W(p + "self_attn.q_proj.bias").data);
        add(k, W(p + "self_attn.k_proj.bias").data);
        add(v, W(p + "self_attn.v_proj.bias").data);
      }
      for (int64_t h = 0; h < heads; ++h) rotate_head(q[t], h, hd, t, freqs);
      for (int64_t h = 0; h < c.num_key_value_heads; ++h) rotate_head(k, h, hd, t, freqs);
      for (int64_t h = 0; h < heads; ++h) {
        const int64_t src = (h / group) * hd;
        k_rep[t].insert(k_rep[t].end(), k.begin() + src, k.begin() + src + hd);
        v_rep[t].insert(v_rep[t].end(), v.begin() + src, v.begin() + src + hd);
      }
    }
    std::vector<Vec> attn_out(T, Vec(heads * hd, 0.0));
    for (int64_t t = 0; t < T; ++t) {
      for (int64_t h = 0; h < heads; ++h) {
        int64_t first = 0;
        if (c.sliding_window) first = std::max<int64_t>(0, t - *c.sliding_window + 1);
        Vec scores;
        double max_score = -1e300;
        for (int64_t j = first; j <= t; ++j) {
          double s = 0;
          for (int64_t d = 0; d < hd; ++d) s += q[t][h * hd + d] * k_rep[j][h * hd + d];
          scores.push_back(s / std::sqrt(double(hd)));
          max_score = std::max(max_score, scores.back());
        }
        double total = 0;
        for (double& s : scores) total += (s = std::exp(s - max_score));
        for (int64_t j = first; j <= t; ++j)
          for (int64_t d = 0; d < hd; ++d)
            attn_out[t][h * hd + d] += scores[j - first] / total * v_rep[j][h * hd + d];
      }
      add(x[t], matvec(wo, attn_out[t]));
      const Vec n = rms_normed(x[t], W(p + "post_attention_layernorm.weight"), c.rms_norm_eps);
      Vec gate = matvec(W(p + "mlp.gate_proj.weight"), n), up = matvec(W(p + "mlp.up_proj.weight"), n);
      for (size_t i = 0; i < gate.size(); ++i) gate[i] = gate[i] / (1 + std::exp(-gate[i])) * up[i];
      add(x[t], matvec(W(p + "mlp.down_proj.weight"), gate));
    }
  }
  const Matrix head = W(c.tie_word_embeddings ? "model.embed_tokens.weight" : "lm_head.weight");
  std::vector<Vec> logits;
  for (int64_t t = 0; t < T; ++t) logits.push_back(matvec(head, rms_normed(x[t], W("model.norm.weight"), c.rms_norm_eps)));
  return logits;
}

// Largest |a - b| between a [T, V] tensor (any float type) and the reference.
inline double max_abs_diff(const at::Tensor& logits, const std::vector<Vec>& reference) {
  at::Tensor d = logits.to(at::kDouble).contiguous();
  double worst = 0;
  for (size_t t = 0; t < reference.size(); ++t)
    for (size_t v = 0; v < reference[t].size(); ++v)
      worst = std::max(worst, std::abs(d[t][v].item<double>() - reference[t][v]));
  return worst;
}

}  // namespace regenesis::test
