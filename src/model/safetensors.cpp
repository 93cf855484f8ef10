#include "model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

namespace regenesis {

namespace {
struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::F64, "F64", 8}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::I8, "I8", 1},   {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};
}  // namespace

const char* dtype_name(DType dtype) {
  for (const auto& entry : kDTypes)
    if (entry.dtype == dtype) return entry.name;
  return "?";
}

size_t dtype_size(DType dtype) {
  for (const auto& entry : kDTypes)
    if (entry.dtype == dtype) return entry.size;
  return 0;
}

DType parse_dtype(const std::string& name, const std::string& source) {
  for (const auto& entry : kDTypes)
    if (name == entry.name) return entry.dtype;
  fail(source, ": unknown dtype '", name, "' (supported: F32, F16, BF16, F64, I64, I32, I8, U8, BOOL)");
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// A read-only mapping of a whole file, unmapped when the last SafetensorsFile copy goes.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path.string(), ": cannot open: ", std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      fail(path.string(), ": cannot stat: ", std::strerror(err));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        fail(path.string(), ": cannot mmap: ", std::strerror(err));
      }
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);  // the mapping keeps the file alive
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

namespace {

// One header entry {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}; offsets are
// relative to the data section, which starts at `data_start` and holds `data_size` bytes.
TensorInfo parse_entry(const std::string& name, const nlohmann::json& entry, size_t data_start,
                       size_t data_size, const std::string& source) {
  const std::string where = source + ": tensor '" + name + "'";
  if (!entry.is_object()) fail(where, ": header entry must be an object");
  auto dtype_it = entry.find("dtype");
  if (dtype_it == entry.end() || !dtype_it->is_string()) fail(where, ": missing string 'dtype'");
  TensorInfo info;
  info.name = name;
  info.dtype = parse_dtype(dtype_it->get<std::string>(), where);

  auto shape_it = entry.find("shape");
  if (shape_it == entry.end() || !shape_it->is_array()) fail(where, ": missing array 'shape'");
  // Every partial product of the shape must fit int64 (TensorInfo::numel() and torch compute
  // it so), and so must numel * dtype size: a byte count that wrapped around would pass the
  // span check below and give a huge tensor over a few bytes.
  constexpr uint64_t kMaxElements = std::numeric_limits<int64_t>::max();
  uint64_t numel = 1;
  for (const auto& dim : *shape_it) {
    if (!dim.is_number_unsigned()) fail(where, ": shape must hold non-negative integers");
    uint64_t d = dim.get<uint64_t>();
    if (d > kMaxElements || (d != 0 && numel > kMaxElements / d)) fail(where, ": shape too large");
    numel *= d;
    info.shape.push_back(static_cast<int64_t>(d));
  }
  if (numel > kMaxElements / dtype_size(info.dtype)) fail(where, ": shape too large");

  auto offsets_it = entry.find("data_offsets");
  if (offsets_it == entry.end() || !offsets_it->is_array() || offsets_it->size() != 2 ||
      !(*offsets_it)[0].is_number_unsigned() || !(*offsets_it)[1].is_number_unsigned())
    fail(where, ": 'data_offsets' must be [begin, end] with non-negative integers");
  uint64_t begin = (*offsets_it)[0].get<uint64_t>(), end = (*offsets_it)[1].get<uint64_t>();
  if (begin > end || end > data_size)
    fail(where, ": data_offsets [", begin, ", ", end, "] out of range (data section is ",
         data_size, " bytes)");
  size_t expected = numel * dtype_size(info.dtype);
  if (end - begin != expected)
    fail(where, ": data_offsets span ", end - begin, " bytes but ", dtype_name(info.dtype),
         " shape needs ", expected);
  info.offset = data_start + begin;
  info.nbytes = expected;
  return info;
}

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  const std::string source = path.string();
  SafetensorsFile file;
  file.path_ = path;
  file.mapping_ = std::make_shared<MappedFile>(path);
  const size_t size = file.mapping_->size();
  if (size < 8) fail(source, ": truncated: ", size, " bytes, shorter than the 8-byte header length");

  uint64_t header_len = 0;  // little-endian u64
  const auto* bytes = reinterpret_cast<const unsigned char*>(file.mapping_->data());
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > size - 8)
    fail(source, ": header length ", header_len, " runs beyond the file (", size, " bytes)");
  if (header_len > limits::kSafetensorsHeaderMaxBytes)
    fail(source, ": header length ", header_len, " exceeds the format's limit of ",
         limits::kSafetensorsHeaderMaxBytes, " bytes");

  const std::string_view header_text(file.mapping_->data() + 8, header_len);
  check_json_depth(header_text, source + ": header");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(header_text.begin(), header_text.end());
  } catch (const nlohmann::json::exception& e) {
    fail(source, ": bad header JSON: ", e.what());
  }
  if (!header.is_object()) fail(source, ": bad header JSON: expected an object");

  const size_t data_start = 8 + header_len;
  const size_t data_size = size - data_start;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail(source, ": '__metadata__' must be an object of strings");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) fail(source, ": '__metadata__' value for '", key, "' must be a string");
        file.metadata_[key] = value.get<std::string>();
      }
      continue;
    }
    file.tensors_.push_back(parse_entry(name, entry, data_start, data_size, source));
  }

  // Sorted by offset, each tensor must end before the next begins.
  std::sort(file.tensors_.begin(), file.tensors_.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.offset < b.offset; });
  for (size_t i = 1; i < file.tensors_.size(); ++i) {
    const auto& prev = file.tensors_[i - 1];
    const auto& cur = file.tensors_[i];
    if (cur.offset < prev.offset + prev.nbytes)
      fail(source, ": tensors '", prev.name, "' and '", cur.name, "' overlap");
  }
  for (size_t i = 0; i < file.tensors_.size(); ++i) file.index_[file.tensors_[i].name] = i;
  return file;
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const void* SafetensorsFile::data(const TensorInfo& info) const {
  return mapping_->data() + info.offset;
}

}  // namespace regenesis
