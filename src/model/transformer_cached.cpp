// The cached (inference) forward: ragged rows over a paged KV cache, computed with the kernels of
// cpu_kernels.h and paged_attention.h on flat float32 buffers (one set per call, no per-op
// tensors), plus forward(), the padded-tensor interface over a cache in the slot view.
#include <algorithm>

#include "model/cpu_kernels.h"
#include "model/paged_attention.h"
#include "model/transformer.h"
#include "util/error.h"

namespace regenesis {

namespace {

// The check forward_cached makes of its input: every position it touches is covered, every id
// is a token of the vocabulary.
void check_batch(const CachedBatch& batch, const KVCache& cache, int64_t vocab) {
  int64_t total = 0;
  for (size_t r = 0; r < batch.rows.size(); ++r) {
    const CachedRow& row = batch.rows[r];
    if (row.count < 1) fail("forward: row ", r, " has ", row.count, " new tokens (at least 1)");
    if (row.start < 0) fail("forward: row ", r, " starts at position ", row.start);
    const int64_t needed = (row.start + row.count + cache.block_size() - 1) / cache.block_size();
    if (static_cast<int64_t>(row.blocks.size()) < needed)
      fail("forward: row ", r, " needs positions up to ", row.start + row.count - 1, " (", needed,
           " blocks of ", cache.block_size(), "), its block table has ", row.blocks.size());
    for (int64_t i = 0; i < needed; ++i)
      if (row.blocks[i] < 0 || row.blocks[i] >= cache.num_blocks())
        fail("forward: row ", r, " uses block ", row.blocks[i], ", the cache has ", cache.num_blocks());
    total += row.count;
  }
  if (total != static_cast<int64_t>(batch.tokens.size()))
    fail("forward: the rows count ", total, " new tokens, the batch holds ", batch.tokens.size());
  for (int64_t id : batch.tokens)
    if (id < 0 || id >= vocab) fail("forward: token id ", id, " is outside the vocabulary (", vocab, ")");
}

at::Tensor float_bias(const at::Tensor& bias) {
  return bias.defined() ? bias.to(at::kFloat).contiguous() : at::Tensor();
}
const float* data_or_null(const at::Tensor& t) { return t.defined() ? t.data_ptr<float>() : nullptr; }

// One projection's share of a kernels::linear call, or, when a LoRA adapter is active on it,
// the ATen path of lora_linear (adapters are small; inference with them stays correct, not fast).
struct Projection {
  const at::Tensor& weight;
  const at::Tensor& bias;  // float32 or undefined
  const LoraPair& lora;
  float* out;
  int64_t ld;
  bool accumulate;
};

// `packed`: where the kernels take packed bf16 weights, else null.
void project(const at::Tensor& x, const std::vector<Projection>& projections,
             kernels::PackedWeightCache* packed) {
  std::vector<kernels::LinearOutput> plain;
  for (const Projection& p : projections) {
    if (!p.lora.active()) {
      plain.push_back({&p.weight, data_or_null(p.bias), p.out, p.ld, p.accumulate,
                       packed ? &packed->get(p.weight) : nullptr});
      continue;
    }
    const at::Tensor bias = p.bias.defined() ? p.bias.to(p.weight.scalar_type()) : at::Tensor();
    at::Tensor y = lora_linear(x, p.weight, bias, p.lora).to(at::kFloat);
    at::Tensor dst = at::from_blob(p.out, {x.size(0), p.weight.size(0)}, {p.ld, 1}, at::kFloat);
    if (p.accumulate)
      dst.add_(y);
    else
      dst.copy_(y);
  }
  kernels::linear(x, plain);
}

}  // namespace

void Transformer::ensure_rope_table(int64_t positions) {
  if (rope_cos_table_.defined() && rope_cos_table_.size(0) >= positions) return;
  const int64_t size = std::max<int64_t>({positions, 256, rope_cos_table_.defined() ? 2 * rope_cos_table_.size(0) : 0});
  // The same float64 angles, cast once, that forward_full's cos_sin computes per call.
  auto [cos, sin] = rope_.cos_sin(at::arange(size, at::TensorOptions().dtype(at::kLong)), at::kFloat);
  rope_cos_table_ = cos.contiguous();
  rope_sin_table_ = sin.contiguous();
}

at::Tensor Transformer::forward_cached(const CachedBatch& batch, KVCache& cache) {
  at::NoGradGuard no_grad;
  if (dtype_ != at::kFloat && dtype_ != at::kBFloat16)
    fail("forward: the cached forward runs float32 and bfloat16 models, not ", at::toString(dtype_));
  if (cache.num_layers() != config_.num_hidden_layers || cache.dtype() != dtype_)
    fail("forward: the KV cache was made for another model (layers or dtype differ)");
  check_batch(batch, cache, config_.vocab_size);
  const ModelConfig& c = config_;
  const int64_t N = static_cast<int64_t>(batch.tokens.size());
  const int64_t H = c.hidden_size, hd = c.head_dim, q_width = c.num_attention_heads * hd,
                kv_width = c.num_key_value_heads * hd, I = c.intermediate_size;

  // Positions and attention rows of every new token; which tokens get logits.
  std::vector<int64_t> positions(N), logit_tokens;
  std::vector<AttentionRow> rows;
  int64_t token = 0, top = 0;
  for (const CachedRow& row : batch.rows) {
    rows.push_back({row.start, row.count, token, row.blocks.data()});
    for (int64_t j = 0; j < row.count; ++j) positions[token + j] = row.start + j;
    if (row.logits == CachedRow::Logits::Last) logit_tokens.push_back(token + row.count - 1);
    if (row.logits == CachedRow::Logits::All)
      for (int64_t j = 0; j < row.count; ++j) logit_tokens.push_back(token + j);
    token += row.count;
    top = std::max(top, row.start + row.count);
  }
  ensure_rope_table(top);
  AttentionShape shape{c.num_attention_heads, c.num_key_value_heads, hd, cache.block_size(),
                       c.sliding_window.value_or(0)};

  const auto f32 = at::TensorOptions().dtype(at::kFloat), act = at::TensorOptions().dtype(dtype_);
  // The residual stream stays float32 (as in forward_full); matmul inputs are in the model dtype.
  at::Tensor h = at::embedding(embed_tokens_, at::tensor(batch.tokens, at::TensorOptions().dtype(at::kLong)))
                     .to(at::kFloat).contiguous();
  at::Tensor x = at::empty({N, H}, act), attn = at::empty({N, q_width}, act), mlp = at::empty({N, I}, act);
  at::Tensor q = at::empty({N, q_width}, f32), k = at::empty({N, kv_width}, f32),
             v = at::empty({N, kv_width}, f32), gate = at::empty({N, I}, f32), up = at::empty({N, I}, f32);
  float* hp = h.data_ptr<float>();
  const double eps = c.rms_norm_eps;
  const at::Tensor none;
  kernels::PackedWeightCache* packed =
      dtype_ == at::kBFloat16 && kernels::simd_available(at::kBFloat16) ? &packed_weights_ : nullptr;

  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const LayerWeights& w = layers_[l];
    kernels::rms_norm(hp, N, H, w.input_norm, eps, x.data_ptr(), dtype_);
    const at::Tensor qb = float_bias(w.q_bias), kb = float_bias(w.k_bias), vb = float_bias(w.v_bias),
                     ob = float_bias(w.o_bias);
    project(x, {{w.q_proj, qb, w.lora[kLoraQ], q.data_ptr<float>(), q_width, false},
                {w.k_proj, kb, w.lora[kLoraK], k.data_ptr<float>(), kv_width, false},
                {w.v_proj, vb, w.lora[kLoraV], v.data_ptr<float>(), kv_width, false}},
            packed);
    kernels::rope(q.data_ptr<float>(), N, c.num_attention_heads, hd, positions.data(),
                  rope_cos_table_.data_ptr<float>(), rope_sin_table_.data_ptr<float>());
    kernels::rope(k.data_ptr<float>(), N, c.num_key_value_heads, hd, positions.data(),
                  rope_cos_table_.data_ptr<float>(), rope_sin_table_.data_ptr<float>());
    write_kv(k.data_ptr<float>(), v.data_ptr<float>(), rows.data(), static_cast<int64_t>(rows.size()),
             shape, cache.keys(l), cache.values(l));
    paged_attention(q.data_ptr<float>(), rows.data(), static_cast<int64_t>(rows.size()), shape,
                    cache.keys(l), cache.values(l), attn.data_ptr(), dtype_);
    project(attn, {{w.o_proj, ob, w.lora[kLoraO], hp, H, true}}, packed);
    kernels::rms_norm(hp, N, H, w.post_attention_norm, eps, x.data_ptr(), dtype_);
    project(x, {{w.gate_proj, none, w.lora[kLoraGate], gate.data_ptr<float>(), I, false},
                {w.up_proj, none, w.lora[kLoraUp], up.data_ptr<float>(), I, false}},
            packed);
    kernels::silu_mul(gate.data_ptr<float>(), up.data_ptr<float>(), N * I, mlp.data_ptr(), dtype_);
    project(mlp, {{w.down_proj, none, w.lora[kLoraDown], hp, H, true}}, packed);
  }

  const int64_t R = static_cast<int64_t>(logit_tokens.size());
  at::Tensor logits = at::empty({R, c.vocab_size}, f32);
  if (R == 0) return logits;
  at::Tensor last = h.index_select(0, at::tensor(logit_tokens, at::TensorOptions().dtype(at::kLong))).contiguous();
  at::Tensor normed = at::empty({R, H}, act);
  kernels::rms_norm(last.data_ptr<float>(), R, H, final_norm_, eps, normed.data_ptr(), dtype_);
  kernels::linear(normed, {{&lm_head_, nullptr, logits.data_ptr<float>(), c.vocab_size, false,
                            packed ? &packed->get(lm_head_) : nullptr}});
  return logits;
}

at::Tensor Transformer::forward(const at::Tensor& tokens, const at::Tensor& slots,
                                const at::Tensor& start, const at::Tensor& lengths, KVCache& cache,
                                bool last_only) {
  if (tokens.dim() != 2) fail("forward: tokens must be [batch, length], got ", tokens.sizes());
  const int64_t batch = tokens.size(0), width = tokens.size(1);
  for (const at::Tensor* t : {&slots, &start, &lengths})
    if (t->dim() != 1 || t->size(0) != batch)
      fail("forward: slots, start and lengths must be [", batch, "], got ", t->sizes());
  const at::Tensor ids = tokens.to(at::kCPU, at::kLong).contiguous(),
                   s = slots.to(at::kCPU, at::kLong).contiguous(),
                   st = start.to(at::kCPU, at::kLong).contiguous(),
                   n = lengths.to(at::kCPU, at::kLong).contiguous();
  std::vector<int32_t> slot_ids(batch);
  CachedBatch input;
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t slot = s.data_ptr<int64_t>()[b], first = st.data_ptr<int64_t>()[b],
                  length = n.data_ptr<int64_t>()[b];
    if (slot < 0 || slot >= cache.num_slots())
      fail("forward: row ", b, " uses slot ", slot, ", the cache has ", cache.num_slots());
    if (length < 1 || length > width)
      fail("forward: row ", b, " has length ", length, ", must be 1..", width);
    if (first < 0 || first + length > cache.max_seq_len())
      fail("forward: row ", b, " needs positions ", first, "..", first + length - 1,
           ", the cache holds ", cache.max_seq_len());
    for (int64_t other = 0; other < b; ++other)
      if (slot_ids[other] == slot) fail("forward: slot ", slot, " is used by two rows");
    slot_ids[b] = static_cast<int32_t>(slot);
    const int64_t* row_ids = ids.data_ptr<int64_t>() + b * width;
    input.tokens.insert(input.tokens.end(), row_ids, row_ids + length);
    input.rows.push_back({first, length, std::span<const int32_t>(&slot_ids[b], 1),
                          last_only ? CachedRow::Logits::Last : CachedRow::Logits::All});
  }
  at::Tensor logits = forward_cached(input, cache);
  if (last_only) return logits;
  // [B, T, V] with the padding positions zero.
  at::Tensor out = at::zeros({batch, width, config_.vocab_size}, logits.options());
  int64_t offset = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t length = input.rows[b].count;
    out[b].narrow(0, 0, length).copy_(logits.narrow(0, offset, length));
    offset += length;
  }
  return out;
}

}  // namespace regenesis
