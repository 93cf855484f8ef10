// Reading and writing safetensors: round trips, dtype conversion, sharded dirs, and every kind
// of damaged file giving an Error that names the file (and the tensor where there is one).
#include "model/safetensors.h"

#include <gtest/gtest.h>

#include <fstream>

#include "model/tensor_io.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

// A file from a raw header text and data bytes.
void write_raw(const std::filesystem::path& path, const std::string& header, const std::string& data,
               std::optional<uint64_t> declared_length = std::nullopt) {
  uint64_t length = declared_length.value_or(header.size());
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(length >> (8 * i));
  write_file_atomic(path, bytes + header + data);
}

// Expects open() to fail with a message holding every one of `parts`.
void expect_open_error(const std::filesystem::path& path, const std::vector<std::string>& parts) {
  try {
    SafetensorsFile::open(path);
    FAIL() << "expected an error for " << path;
  } catch (const Error& e) {
    for (const auto& part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(Safetensors, RoundTripKeepsValuesDtypesAndMetadata) {
  test::TempDir dir;
  at::Tensor a = at::arange(12, at::TensorOptions().dtype(at::kFloat)).reshape({3, 4}) / 7;
  at::Tensor b = at::tensor({1.5, -2.25, 3.0}).to(at::kBFloat16);
  at::Tensor c = at::tensor({0.5, 0.25}).to(at::kHalf);
  at::Tensor d = at::tensor({int64_t(-3), int64_t(1) << 40});
  at::Tensor transposed = a.t();  // not contiguous: written in logical order
  save_safetensors(dir / "x.safetensors", {{"zeta", a}, {"alpha", b}, {"mid", c}, {"ids", d}, {"t", transposed}},
                   {{"format", "pt"}});

  SafetensorsFile file = SafetensorsFile::open(dir / "x.safetensors");
  EXPECT_EQ(file.metadata().at("format"), "pt");
  ASSERT_EQ(file.tensors().size(), 5u);
  EXPECT_EQ(file.tensors()[0].name, "zeta");  // data in the order given
  const TensorInfo* alpha = file.find("alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ(alpha->dtype, DType::BF16);
  EXPECT_EQ(alpha->shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(file.find("nope"), nullptr);
  EXPECT_EQ(file.tensors()[0].offset % 8, 0u);  // header padded to 8 bytes

  EXPECT_TRUE(at::equal(load_tensor(file, *file.find("zeta"), at::kFloat), a));
  EXPECT_TRUE(at::equal(load_tensor(file, *file.find("t"), at::kFloat), transposed));
  EXPECT_TRUE(at::equal(load_tensor(file, *file.find("ids"), at::kLong), d));
  // bf16 and f16 convert to the requested float type exactly (these values are representable).
  EXPECT_TRUE(at::equal(load_tensor(file, *alpha, at::kFloat), at::tensor({1.5f, -2.25f, 3.0f})));
  EXPECT_TRUE(at::equal(load_tensor(file, *file.find("mid"), at::kFloat), at::tensor({0.5f, 0.25f})));
  EXPECT_TRUE(at::equal(load_tensor(file, *file.find("zeta"), at::kBFloat16), a.to(at::kBFloat16)));
  EXPECT_THROW(load_tensor(file, *file.find("ids"), at::kFloat), Error);
}

TEST(Safetensors, SameTensorsGiveIdenticalBytes) {
  test::TempDir dir;
  at::Tensor w = at::linspace(-1, 1, 30).reshape({5, 6});
  std::vector<std::pair<std::string, at::Tensor>> tensors = {{"w", w}, {"b", at::ones({6}).to(at::kBFloat16)}};
  save_safetensors(dir / "1.safetensors", tensors, {{"k2", "v"}, {"k1", "v"}});
  save_safetensors(dir / "2.safetensors", {{"w", w.clone()}, {"b", at::ones({6}).to(at::kBFloat16)}},
                   {{"k1", "v"}, {"k2", "v"}});
  EXPECT_EQ(read_file(dir / "1.safetensors"), read_file(dir / "2.safetensors"));
  save_safetensors(dir / "3.safetensors", {{"w", w + 1e-3}, tensors[1]}, {{"k2", "v"}, {"k1", "v"}});
  EXPECT_NE(read_file(dir / "1.safetensors"), read_file(dir / "3.safetensors"));
  // The header's keys are sorted (the JSON after the 8-byte length).
  const std::string bytes = read_file(dir / "1.safetensors");
  EXPECT_LT(bytes.find("\"__metadata__\""), bytes.find("\"b\""));
  EXPECT_LT(bytes.find("\"b\""), bytes.find("\"w\""));
  EXPECT_THROW(save_safetensors(dir / "4.safetensors", {{"w", w}, {"w", w}}), Error);
}

TEST(Safetensors, DamagedFilesAreRejectedWithTheirName) {
  test::TempDir dir;
  const std::string good = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string data(8, '\0');

  write_raw(dir / "short.safetensors", "", "", std::nullopt);
  write_file_atomic(dir / "short.safetensors", "abc");
  expect_open_error(dir / "short.safetensors", {"short.safetensors", "truncated"});

  write_raw(dir / "len.safetensors", good, data, 1000);
  expect_open_error(dir / "len.safetensors", {"len.safetensors", "header length 1000"});

  write_raw(dir / "json.safetensors", R"({"w": {"dtype": "F32",)", data);
  expect_open_error(dir / "json.safetensors", {"json.safetensors", "bad header JSON"});

  write_raw(dir / "range.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data);
  expect_open_error(dir / "range.safetensors", {"range.safetensors", "'w'", "out of range"});

  write_raw(dir / "span.safetensors", R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data);
  expect_open_error(dir / "span.safetensors", {"span.safetensors", "'w'", "needs 12"});

  write_raw(dir / "overlap.safetensors",
            R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
            data);
  expect_open_error(dir / "overlap.safetensors", {"overlap.safetensors", "'a'", "'b'", "overlap"});

  write_raw(dir / "dtype.safetensors", R"({"w":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}})", data);
  expect_open_error(dir / "dtype.safetensors", {"dtype.safetensors", "'w'", "unknown dtype 'F8_E4M3'"});

  write_raw(dir / "shape.safetensors", R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data);
  expect_open_error(dir / "shape.safetensors", {"shape.safetensors", "'w'", "shape"});

  write_raw(dir / "ok.safetensors", good, data);
  EXPECT_EQ(SafetensorsFile::open(dir / "ok.safetensors").tensors().size(), 1u);
  expect_open_error(dir / "absent.safetensors", {"absent.safetensors", "cannot open"});
}

TEST(Safetensors, ShardedDirectoryFollowsTheIndex) {
  test::TempDir dir;
  save_safetensors(dir / "model-00001-of-00002.safetensors", {{"a", at::ones({2})}, {"b", at::zeros({3})}});
  save_safetensors(dir / "model-00002-of-00002.safetensors", {{"c", at::full({2, 2}, 7.0)}});
  write_file_atomic(dir / "model.safetensors.index.json",
                    R"({"metadata":{"total_size":36},"weight_map":{"a":"model-00001-of-00002.safetensors",)"
                    R"("b":"model-00001-of-00002.safetensors","c":"model-00002-of-00002.safetensors"}})");
  SafetensorsModel model = SafetensorsModel::open_dir(dir.path());
  EXPECT_EQ(model.names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(model.contains("c"));
  EXPECT_FALSE(model.contains("d"));
  EXPECT_TRUE(at::equal(load_tensor(model, "c", at::kFloat, {2, 2}), at::full({2, 2}, 7.0)));
  EXPECT_EQ(model.get("c").file->path().filename(), "model-00002-of-00002.safetensors");

  try {
    load_tensor(model, "c", at::kFloat, {4});
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model-00002-of-00002.safetensors: tensor 'c' has shape [2, 2], expected [4]"),
              std::string::npos) << e.what();
  }
  try {
    model.get("d");
    FAIL() << "expected a missing-tensor error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string() + ": tensor 'd' not found"), std::string::npos)
        << e.what();
  }

  // An index naming a tensor its shard lacks, or a shard that is not there.
  write_file_atomic(dir / "model.safetensors.index.json",
                    R"({"weight_map":{"a":"model-00001-of-00002.safetensors","x":"model-00002-of-00002.safetensors"}})");
  EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), Error);
  write_file_atomic(dir / "model.safetensors.index.json", R"({"weight_map":{"a":"model-00009.safetensors"}})");
  EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), Error);
  write_file_atomic(dir / "model.safetensors.index.json", R"({"weight_map":{"a":"../elsewhere.safetensors"}})");
  EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), Error);
}

TEST(Safetensors, DirectoryWithoutWeightsIsAnError) {
  test::TempDir dir;
  try {
    SafetensorsModel::open_dir(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no model.safetensors"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace regenesis
