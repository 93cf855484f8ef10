// Hostile safetensors and config.json files (docs/HARDENING.md): each gives an Error naming the
// file and what is wrong, never a tensor that reads outside the file or an internal error. The
// first cases are inputs the fuzzers found (fuzz/corpus/*/regression_*).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "model/config.h"
#include "model/safetensors.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"
#include "util/limits.h"

namespace regenesis {
namespace {

using test::error_of;

// A safetensors file: 8-byte little-endian header length, header, data.
std::string safetensors_bytes(const std::string& header, const std::string& data = "") {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(uint64_t{header.size()} >> (8 * i));
  return bytes + header + data;
}

std::string open_error(const std::string& header) {
  test::TempDir dir;
  auto path = dir / "model.safetensors";
  write_file_atomic(path, safetensors_bytes(header));
  std::string message = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  return message;
}

TEST(SafetensorsLimits, ByteCountThatWrapsAroundIsRefused) {
  // 2^31 x 2^31 F32 elements = 2^64 bytes = 0 modulo 2^64: once accepted as a 0-byte tensor.
  std::string message = open_error(
      R"({"w":{"dtype":"F32","shape":[2147483648,2147483648],"data_offsets":[0,0]}})");
  EXPECT_NE(message.find("tensor 'w': shape too large"), std::string::npos) << message;
}

TEST(SafetensorsLimits, ElementCountBeyondInt64IsRefused) {
  // 2^62 x 3 overflows int64 (TensorInfo::numel), though the final 0 makes the tensor empty.
  EXPECT_NE(open_error(R"({"w":{"dtype":"U8","shape":[4611686018427387904,3,0],"data_offsets":[0,0]}})")
                .find("shape too large"),
            std::string::npos);
  EXPECT_NE(open_error(R"({"w":{"dtype":"U8","shape":[9223372036854775808,0],"data_offsets":[0,0]}})")
                .find("shape too large"),
            std::string::npos);
}

TEST(SafetensorsLimits, EmptyTensorWithLargeDimensionsStillOpens) {
  test::TempDir dir;
  auto path = dir / "model.safetensors";
  write_file_atomic(path, safetensors_bytes(
                              R"({"e":{"dtype":"F32","shape":[0,9223372036854775807],"data_offsets":[0,0]}})"));
  SafetensorsFile file = SafetensorsFile::open(path);
  ASSERT_EQ(file.tensors().size(), 1u);
  EXPECT_EQ(file.tensors()[0].numel(), 0);
  EXPECT_EQ(file.tensors()[0].shape, (std::vector<int64_t>{0, 9223372036854775807}));
}

TEST(SafetensorsLimits, HeaderLongerThanTheFormatAllowsIsRefused) {
  test::TempDir dir;
  auto path = dir / "model.safetensors";
  // A declared header of 100,000,001 bytes in a sparse file that really is that long.
  uint64_t length = limits::kSafetensorsHeaderMaxBytes + 1;
  std::string prefix(8, '\0');
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<char>(length >> (8 * i));
  write_file_atomic(path, prefix + "{");
  std::filesystem::resize_file(path, 8 + length);
  std::string message = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_NE(message.find("exceeds the format's limit of 100000000 bytes"), std::string::npos) << message;
}

TEST(SafetensorsLimits, DeeplyNestedHeaderIsRefused) {
  std::string deep = std::string(300, '[') + std::string(300, ']');
  std::string message = open_error(R"({"__metadata__":{"x":)" + deep + "}}");
  EXPECT_NE(message.find("header: JSON nested deeper than 256 levels"), std::string::npos) << message;
}

TEST(ModelConfigLimits, ConfigJsonOverOneMebibyteIsRefused) {
  test::TempDir dir;
  std::string config = R"({"architectures": ["LlamaForCausalLM"], "pad": ")" +
                       std::string(limits::kModelConfigMaxBytes, 'x') + "\"}";
  write_file_atomic(dir / "config.json", config);
  std::string message = error_of([&] { ModelConfig::load(dir.path()); });
  EXPECT_NE(message.find((dir / "config.json").string()), std::string::npos) << message;
  EXPECT_NE(message.find("larger than 1 MiB"), std::string::npos) << message;
}

const char* kSmallLlama = R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 8, "hidden_size": 8,
  "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2)";

TEST(ModelConfigLimits, NonStringRopeTypeIsAFieldError) {
  test::TempDir dir;
  write_file_atomic(dir / "config.json", std::string(kSmallLlama) + R"(, "rope_scaling": {"rope_type": 1.0}})");
  std::string message = error_of([&] { ModelConfig::load(dir.path()); });
  EXPECT_NE(message.find("field 'rope_scaling': field 'rope_type' must be a string, got 1.0"),
            std::string::npos)
      << message;
}

TEST(ModelConfigLimits, NumberBeyondDoubleIsAnError) {
  test::TempDir dir;
  write_file_atomic(dir / "config.json", std::string(kSmallLlama) + R"(, "rms_norm_eps": 1e400})");
  std::string message = error_of([&] { ModelConfig::load(dir.path()); });
  EXPECT_NE(message.find("invalid JSON: "), std::string::npos) << message;
  EXPECT_NE(message.find("number overflow parsing '1e400'"), std::string::npos) << message;
}

}  // namespace
}  // namespace regenesis
