#include "model/transformer_layers.h"

#include <cmath>
#include <limits>

namespace regenesis {

namespace {
// bfloat16 math is done in float32 (as HF does); float32 and float64 stay as they are.
at::ScalarType at_least_float(at::ScalarType type) { return at::promote_types(type, at::kFloat); }
}  // namespace

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  at::Tensor xf = x.to(at_least_float(x.scalar_type()));
  xf = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return (xf * weight).to(weight.scalar_type());
}

at::Tensor swiglu_mlp(const LayerWeights& layer, const at::Tensor& x) {
  const at::Tensor none;
  at::Tensor gate = lora_linear(x, layer.gate_proj, none, layer.lora[kLoraGate]);
  at::Tensor up = lora_linear(x, layer.up_proj, none, layer.lora[kLoraUp]);
  return lora_linear(at::silu(gate) * up, layer.down_proj, none, layer.lora[kLoraDown]);
}

QKV project_qkv(const LayerWeights& layer, const at::Tensor& x, const ModelConfig& config) {
  const int64_t batch = x.size(0), length = x.size(1), hd = config.head_dim;
  auto split_heads = [&](const at::Tensor& t, int64_t heads) {
    return t.view({batch, length, heads, hd}).transpose(1, 2);
  };
  return {split_heads(lora_linear(x, layer.q_proj, layer.q_bias, layer.lora[kLoraQ]),
                      config.num_attention_heads),
          split_heads(lora_linear(x, layer.k_proj, layer.k_bias, layer.lora[kLoraK]),
                      config.num_key_value_heads),
          split_heads(lora_linear(x, layer.v_proj, layer.v_bias, layer.lora[kLoraV]),
                      config.num_key_value_heads)};
}

at::Tensor grouped_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             int64_t first_position, std::optional<int64_t> sliding_window) {
  const int64_t dims = q.dim();
  const int64_t heads = q.size(-3), length = q.size(-2), hd = q.size(-1);
  const int64_t kv_heads = k.size(-3), keys = k.size(-2);
  const int64_t group = heads / kv_heads;
  std::vector<int64_t> lead(q.sizes().begin(), q.sizes().begin() + (dims - 3));
  auto with_lead = [&](std::initializer_list<int64_t> tail) {
    std::vector<int64_t> shape = lead;
    shape.insert(shape.end(), tail);
    return shape;
  };

  // Query heads h*group .. h*group+group-1 all read KV head h (HF's repeat_kv order).
  at::Tensor grouped_q = q.reshape(with_lead({kv_heads, group * length, hd}));
  at::Tensor scores = at::matmul(grouped_q, k.transpose(-1, -2)) * (1.0 / std::sqrt(double(hd)));

  // A single new token at the end of the keys sees all of them; anything else needs a mask.
  const bool last_token_only = length == 1 && first_position == keys - 1;
  if (!last_token_only || sliding_window) {
    auto index = at::TensorOptions().dtype(at::kLong);
    at::Tensor query_pos = (at::arange(length, index) + first_position).unsqueeze(1);  // [T, 1]
    at::Tensor key_pos = at::arange(keys, index).unsqueeze(0);                          // [1, L]
    at::Tensor hidden = key_pos > query_pos;
    if (sliding_window) hidden = hidden | (key_pos <= query_pos - *sliding_window);
    scores = scores.view(with_lead({kv_heads, group, length, keys}))
                 .masked_fill(hidden, -std::numeric_limits<double>::infinity())
                 .view(with_lead({kv_heads, group * length, keys}));
  }
  at::Tensor probs = at::softmax(scores, -1, at_least_float(scores.scalar_type())).to(q.scalar_type());
  return at::matmul(probs, v).view(with_lead({heads, length, hd}));
}

}  // namespace regenesis
