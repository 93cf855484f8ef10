#pragma once
// Converting between safetensors bytes and ATen tensors (torch; keep out of non-torch headers).
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "model/safetensors.h"

namespace regenesis {

at::ScalarType to_scalar_type(DType dtype);
DType to_dtype(at::ScalarType type);  // Error for types safetensors cannot hold

// Copies one tensor out of the mapping as a contiguous CPU tensor of `dtype` (F32/F16/BF16/F64
// sources converted). Error naming the file and tensor when the shape differs from
// `expected_shape` (skipped when it is empty) or the stored dtype cannot convert to `dtype`.
at::Tensor load_tensor(const SafetensorsModel& model, const std::string& name,
                       at::ScalarType dtype, const std::vector<int64_t>& expected_shape);
at::Tensor load_tensor(const SafetensorsFile& file, const TensorInfo& info, at::ScalarType dtype);

// Writes atomically; tensors in the given order; header keys sorted; deterministic bytes (same
// tensors -> same file). Tensors are stored in their own dtype (moved to CPU, made contiguous).
void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace regenesis
