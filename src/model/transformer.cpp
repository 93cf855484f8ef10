// The two forward passes: full causal (training, eval) and incremental over the KV cache.
#include "model/transformer.h"

#include "model/transformer_layers.h"
#include "util/error.h"

namespace regenesis {

at::Tensor Transformer::embed(const at::Tensor& tokens) const {
  // The residual stream stays in float32 even for a bfloat16 model: the weights and the matmul
  // inputs are bfloat16, but the sums of many layers' updates are not rounded to 8 bits.
  return at::embedding(embed_tokens_, tokens).to(at::promote_types(dtype_, at::kFloat));
}

at::Tensor Transformer::logits(const at::Tensor& hidden) const {
  // float32 for float32/bfloat16 models; a float64 model (gradient checks) keeps float64.
  const auto out_type = dtype_ == at::kDouble ? at::kDouble : at::kFloat;
  return at::linear(rms_norm(hidden, final_norm_, config_.rms_norm_eps), lm_head_).to(out_type);
}

at::Tensor Transformer::forward_full(const at::Tensor& tokens) {
  if (tokens.dim() != 2) fail("forward_full: tokens must be [batch, length], got ", tokens.sizes());
  const int64_t batch = tokens.size(0), length = tokens.size(1);
  const double eps = config_.rms_norm_eps;
  auto [cos, sin] = rope_.cos_sin(at::arange(length, at::TensorOptions().dtype(at::kLong)), dtype_);

  at::Tensor h = embed(tokens);  // [B, T, hidden]
  for (const LayerWeights& layer : layers_) {
    QKV qkv = project_qkv(layer, rms_norm(h, layer.input_norm, eps), config_);
    at::Tensor attn = grouped_attention(apply_rope(qkv.q, cos, sin), apply_rope(qkv.k, cos, sin),
                                        qkv.v, 0, config_.sliding_window);
    attn = attn.transpose(1, 2).reshape({batch, length, -1});
    h = h + at::linear(attn, layer.o_proj, layer.o_bias);
    h = h + swiglu_mlp(layer, rms_norm(h, layer.post_attention_norm, eps));
  }
  return logits(h);
}

namespace {
// The per-row bookkeeping of forward(), read once on the CPU.
struct Row {
  int64_t slot, start, length;
};

std::vector<Row> check_rows(const at::Tensor& tokens, const at::Tensor& slots, const at::Tensor& start,
                            const at::Tensor& lengths, const KVCache& cache) {
  if (tokens.dim() != 2) fail("forward: tokens must be [batch, length], got ", tokens.sizes());
  const int64_t batch = tokens.size(0), width = tokens.size(1);
  for (const at::Tensor* t : {&slots, &start, &lengths})
    if (t->dim() != 1 || t->size(0) != batch)
      fail("forward: slots, start and lengths must be [", batch, "], got ", t->sizes());
  at::Tensor s = slots.to(at::kCPU, at::kLong).contiguous(), st = start.to(at::kCPU, at::kLong).contiguous(),
             n = lengths.to(at::kCPU, at::kLong).contiguous();
  std::vector<Row> rows;
  for (int64_t b = 0; b < batch; ++b) {
    Row row{s.data_ptr<int64_t>()[b], st.data_ptr<int64_t>()[b], n.data_ptr<int64_t>()[b]};
    if (row.slot < 0 || row.slot >= cache.num_slots())
      fail("forward: row ", b, " uses slot ", row.slot, ", the cache has ", cache.num_slots());
    if (row.length < 1 || row.length > width)
      fail("forward: row ", b, " has length ", row.length, ", must be 1..", width);
    if (row.start < 0 || row.start + row.length > cache.max_seq_len())
      fail("forward: row ", b, " needs positions ", row.start, "..", row.start + row.length - 1,
           ", the cache holds ", cache.max_seq_len());
    for (const Row& other : rows)
      if (other.slot == row.slot) fail("forward: slot ", row.slot, " is used by two rows");
    rows.push_back(row);
  }
  return rows;
}
}  // namespace

at::Tensor Transformer::forward(const at::Tensor& tokens, const at::Tensor& slots,
                                const at::Tensor& start, const at::Tensor& lengths, KVCache& cache,
                                bool last_only) {
  at::NoGradGuard no_grad;  // inference only; the cache is written in place
  if (cache.num_layers() != config_.num_hidden_layers || cache.dtype() != dtype_)
    fail("forward: the KV cache was made for another model (layers or dtype differ)");
  const std::vector<Row> rows = check_rows(tokens, slots, start, lengths, cache);
  const int64_t batch = tokens.size(0), width = tokens.size(1);
  const double eps = config_.rms_norm_eps;
  auto index = at::TensorOptions().dtype(at::kLong);

  // Padding positions get token 0 so the embedding lookup stays in range; their outputs are
  // never written to the cache and never attended to.
  at::Tensor lengths_cpu = lengths.to(at::kCPU, at::kLong);
  at::Tensor valid = at::arange(width, index).unsqueeze(0) < lengths_cpu.unsqueeze(1);
  at::Tensor positions = start.to(at::kCPU, at::kLong).unsqueeze(1) + at::arange(width, index);
  auto [cos, sin] = rope_.cos_sin(positions.unsqueeze(1), dtype_);  // [B, 1, T, hd]

  // Where each valid token's K/V goes: (row, offset in row) -> (slot, position).
  std::vector<at::Tensor> where = at::nonzero_numpy(valid);
  at::Tensor token_row = where[0], token_offset = where[1];
  at::Tensor token_slot = slots.to(at::kCPU, at::kLong).index_select(0, token_row);
  at::Tensor token_position = positions.index({token_row, token_offset});

  at::Tensor h = embed(tokens.to(at::kLong).masked_fill(valid.logical_not(), 0));
  for (int64_t l = 0; l < config_.num_hidden_layers; ++l) {
    const LayerWeights& layer = layers_[l];
    QKV qkv = project_qkv(layer, rms_norm(h, layer.input_norm, eps), config_);
    at::Tensor q = apply_rope(qkv.q, cos, sin), k = apply_rope(qkv.k, cos, sin);

    // Append the new K/V of every row to its slot in one scatter per layer: the cache is
    // [slots, kv_heads, positions, hd] and the valid tokens of k are [N, kv_heads, hd].
    using at::indexing::Slice;
    cache.keys(l).index_put_({token_slot, Slice(), token_position},
                             k.transpose(1, 2).index({token_row, token_offset}));
    cache.values(l).index_put_({token_slot, Slice(), token_position},
                               qkv.v.transpose(1, 2).index({token_row, token_offset}));

    // Each row attends over its own slot, positions 0..end, read in place.
    at::Tensor attn = at::zeros_like(q);  // [B, heads, T, hd]; padding stays zero
    for (int64_t b = 0; b < batch; ++b) {
      const Row& row = rows[b];
      at::Tensor slot_k = cache.keys(l)[row.slot], slot_v = cache.values(l)[row.slot];
      const int64_t end = row.start + row.length;
      attn[b].narrow(1, 0, row.length)
          .copy_(grouped_attention(q[b].narrow(1, 0, row.length), slot_k.narrow(1, 0, end),
                                   slot_v.narrow(1, 0, end), row.start, config_.sliding_window));
    }
    attn = attn.transpose(1, 2).reshape({batch, width, -1});
    h = h + at::linear(attn, layer.o_proj, layer.o_bias);
    h = h + swiglu_mlp(layer, rms_norm(h, layer.post_attention_norm, eps));
  }
  if (!last_only) return logits(h);
  at::Tensor last = h.index({at::arange(batch, index), lengths_cpu - 1});  // [B, hidden]
  return logits(last);
}

}  // namespace regenesis
