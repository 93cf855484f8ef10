// Fuzzes the safetensors reader (model/safetensors.h): the input is a whole .safetensors file
// (8-byte header length, JSON header, data). An input starting with '{' is also tried as a
// model.safetensors.index.json beside two small valid shards (SafetensorsModel::open_dir).
#include <algorithm>
#include <cstring>
#include <limits>

#include "fuzz_support.h"
#include "model/safetensors.h"
#include "util/error.h"

namespace {

using namespace regenesis;

// Every tensor the reader returns lies inside the file, and its byte count is what its dtype
// and shape need: the tensor conversion code (model/tensor_io.cpp) trusts exactly this.
void check_file(const SafetensorsFile& file, size_t file_size) {
  for (const TensorInfo& t : file.tensors()) {
    fuzz::require(t.offset <= file_size && t.nbytes <= file_size - t.offset,
                  "tensor '" + t.name + "' extends beyond the file");
    // dtype size x shape, saturated just above the file size (a later 0 still makes it 0)
    unsigned __int128 needed = dtype_size(t.dtype);
    const unsigned __int128 saturated = static_cast<unsigned __int128>(file_size) + 1;
    for (int64_t d : t.shape) {
      fuzz::require(d >= 0, "tensor '" + t.name + "' has a negative dimension");
      needed = d == 0 ? 0 : std::min(needed * static_cast<uint64_t>(d), saturated);
    }
    fuzz::require(needed == t.nbytes, "tensor '" + t.name + "': nbytes does not match dtype x shape");
    fuzz::require(static_cast<unsigned __int128>(t.numel()) * dtype_size(t.dtype) == t.nbytes,
                  "tensor '" + t.name + "': numel() disagrees with nbytes");
    fuzz::require(file.find(t.name) == &t, "find('" + t.name + "') does not return the tensor");
    if (t.nbytes > 0) {  // touch the first and last byte: inside the mapping or a crash
      const auto* bytes = static_cast<const unsigned char*>(file.data(t));
      volatile unsigned char sink = bytes[0] ^ bytes[t.nbytes - 1];
      (void)sink;
    }
  }
}

std::string small_shard(const std::string& tensor) {
  std::string header = "{\"" + tensor + "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  std::string file(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return file + header + std::string(8, '\x01');
}

void fuzz_index(std::string_view index) {
  static const std::filesystem::path dir = [] {
    auto d = fuzz::scratch_dir() / "model";
    std::filesystem::create_directories(d);
    fuzz::write_scratch(d / "a.safetensors", small_shard("x"));
    fuzz::write_scratch(d / "b.safetensors", small_shard("y"));
    return d;
  }();
  fuzz::write_scratch(dir / "model.safetensors.index.json", index);
  try {
    SafetensorsModel model = SafetensorsModel::open_dir(dir);
    for (const std::string& name : model.names()) {
      TensorRef ref = model.get(name);
      fuzz::require(ref.info != nullptr && ref.info->name == name, "get('" + name + "') is wrong");
    }
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  fuzz::MemoryFile file(bytes);
  try {
    check_file(SafetensorsFile::open(file.path()), size);
  } catch (const Error&) {
  }
  if (!bytes.empty() && bytes[0] == '{') fuzz_index(bytes);
  return 0;
}
