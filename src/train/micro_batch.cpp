#include "train/micro_batch.h"

#include "train/precision.h"
#include "util/error.h"

namespace regenesis {

MicroBatchTensors make_micro_batch(const std::vector<TokenizedExample>& data, const MicroBatch& micro,
                                   int32_t pad_id) {
  const int64_t rows = static_cast<int64_t>(micro.rows.size());
  const int64_t width = micro.width() - 1;  // inputs: every token but the row's last
  if (rows == 0 || width < 1) fail("make_micro_batch: empty micro-batch");
  bool packed = false;
  for (const PackedRow& row : micro.rows) packed = packed || row.examples.size() > 1;

  auto long_options = at::TensorOptions().dtype(at::kLong);
  at::Tensor tokens = at::full({rows, width}, pad_id, long_options);
  at::Tensor select = at::zeros({rows, width}, at::TensorOptions().dtype(at::kBool));
  at::Tensor positions = packed ? at::zeros({rows, width}, long_options) : at::Tensor();
  // Padding gets a segment of its own (-1), so no real token attends to it.
  at::Tensor segments = packed ? at::full({rows, width}, -1, long_options) : at::Tensor();
  auto tok = tokens.accessor<int64_t, 2>();
  auto sel = select.accessor<bool, 2>();
  // Accessors of a 1x1 dummy when unpacked, so the loop below needs no second version.
  at::Tensor dummy = at::zeros({1, 1}, long_options);
  auto pos = (packed ? positions : dummy).accessor<int64_t, 2>();
  auto seg = (packed ? segments : dummy).accessor<int64_t, 2>();
  std::vector<int64_t> targets;
  MicroBatchTensors out;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t offset = 0;
    const auto& examples = micro.rows[r].examples;
    for (size_t e = 0; e < examples.size(); ++e) {
      const TokenizedExample& example = data[examples[e]];
      const int64_t n = static_cast<int64_t>(example.tokens.size());
      for (int64_t i = 0; i < n; ++i) {
        const int64_t column = offset + i;
        if (column >= width) break;  // the row's very last token is only ever a target
        tok[r][column] = example.tokens[i];
        ++out.input_tokens;
        if (packed) {
          pos[r][column] = i;
          seg[r][column] = static_cast<int64_t>(e);
        }
        if (i + 1 < n && example.loss[i + 1]) {
          sel[r][column] = true;
          targets.push_back(example.tokens[i + 1]);
        }
      }
      offset += n;
    }
  }
  out.inputs.tokens = tokens;
  out.inputs.positions = positions;
  out.inputs.segments = segments;
  out.select = select;
  out.targets = at::tensor(at::ArrayRef<int64_t>(targets), long_options);
  return out;
}

namespace {

at::Tensor nll_sum_from_top(Transformer& model, const at::Tensor& top, const MicroBatchTensors& batch) {
  at::Tensor logits = model.output_logits(top.index({batch.select}));  // [N, V]
  return at::cross_entropy_loss(logits, batch.targets, {}, at::Reduction::Sum);
}

}  // namespace

at::Tensor target_nll_sum(Transformer& model, const MicroBatchTensors& batch) {
  const LayerContext context = model.layer_context(batch.inputs);
  at::Tensor h = model.embed_input(batch.inputs.tokens);
  for (int64_t l = 0; l < model.config().num_hidden_layers; ++l) h = model.run_layer(l, h, context);
  return nll_sum_from_top(model, h, batch);
}

double forward_backward(Transformer& model, const MicroBatchTensors& batch, double grad_scale,
                        bool checkpoint_activations, bool bf16) {
  if (!checkpoint_activations) {
    at::Tensor loss;
    {
      Bf16Autocast autocast(bf16);
      loss = target_nll_sum(model, batch);
    }
    (loss * grad_scale).backward();
    return loss.item<double>();
  }

  const int64_t layers = model.config().num_hidden_layers;
  const LayerContext context = model.layer_context(batch.inputs);
  std::vector<at::Tensor> layer_inputs;
  at::Tensor h;
  {
    at::NoGradGuard no_grad;
    Bf16Autocast autocast(bf16);
    h = model.embed_input(batch.inputs.tokens);
    for (int64_t l = 0; l < layers; ++l) {
      layer_inputs.push_back(h);
      h = model.run_layer(l, h, context);
    }
  }
  // The head: gradients for the final norm and lm_head, and d loss / d (last hidden state).
  at::Tensor top = h.detach().requires_grad_(true);
  at::Tensor loss;
  {
    Bf16Autocast autocast(bf16);
    loss = nll_sum_from_top(model, top, batch);
  }
  (loss * grad_scale).backward();
  at::Tensor grad = top.grad();
  // Each layer again, with autograd, from its saved input; its backward gives the next gradient.
  for (int64_t l = layers - 1; l >= 0; --l) {
    at::Tensor input = layer_inputs[l].detach().requires_grad_(true);
    at::Tensor output;
    {
      Bf16Autocast autocast(bf16);
      output = model.run_layer(l, input, context);
    }
    output.backward(grad);
    grad = input.grad();
    layer_inputs[l] = at::Tensor();  // free as we go
  }
  at::Tensor embedded;
  {
    Bf16Autocast autocast(bf16);
    embedded = model.embed_input(batch.inputs.tokens);
  }
  if (embedded.requires_grad()) embedded.backward(grad);
  return loss.item<double>();
}

}  // namespace regenesis
