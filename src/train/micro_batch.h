#pragma once
// A micro-batch as tensors, and its loss: next-token cross-entropy summed over the target
// positions only (the lm_head runs on those positions alone, as TRL's chunked loss does).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include "model/transformer.h"
#include "train/batch_plan.h"

namespace regenesis {

struct MicroBatchTensors {
  TrainingBatch inputs;  // [B, W-1]: each row without its last token, right-padded with pad_id;
                         // positions/segments only when some row holds several examples
  at::Tensor select;     // [B, W-1] bool: the next token is a target of the same example
  at::Tensor targets;    // [N] int64: those next tokens, in row-major order of `select`
  int64_t input_tokens = 0;  // real (not padding) input tokens
};

MicroBatchTensors make_micro_batch(const std::vector<TokenizedExample>& data, const MicroBatch& micro,
                                   int32_t pad_id);

// Sum over the targets of -log p(target | prefix), as a scalar tensor that still carries autograd
// (float32; float64 for a float64 model).
at::Tensor target_nll_sum(Transformer& model, const MicroBatchTensors& batch);

// Runs forward and backward of target_nll_sum * grad_scale (gradients accumulate into the
// trainable tensors' .grad()) and returns the sum. With checkpoint_activations the layers first
// run without autograd, keeping only each layer's input; backward then recomputes one layer at a
// time (memory: one layer's activations instead of all). bf16 autocasts the forward passes.
double forward_backward(Transformer& model, const MicroBatchTensors& batch, double grad_scale,
                        bool checkpoint_activations, bool bf16);

}  // namespace regenesis
