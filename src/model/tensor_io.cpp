#include "model/tensor_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace regenesis {

at::ScalarType to_scalar_type(DType dtype) {
  switch (dtype) {
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::F64: return at::kDouble;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::I8: return at::kChar;
    case DType::U8: return at::kByte;
    case DType::BOOL: return at::kBool;
  }
  fail("unknown safetensors dtype");
}

DType to_dtype(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return DType::F32;
    case at::kHalf: return DType::F16;
    case at::kBFloat16: return DType::BF16;
    case at::kDouble: return DType::F64;
    case at::kLong: return DType::I64;
    case at::kInt: return DType::I32;
    case at::kChar: return DType::I8;
    case at::kByte: return DType::U8;
    case at::kBool: return DType::BOOL;
    default: fail("tensor type ", at::toString(type), " cannot be stored in safetensors");
  }
}

namespace {
std::string shape_string(at::IntArrayRef shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}
}  // namespace

at::Tensor load_tensor(const SafetensorsFile& file, const TensorInfo& info, at::ScalarType dtype) {
  const at::ScalarType stored = to_scalar_type(info.dtype);
  if (stored != dtype && !(at::isFloatingType(stored) && at::isFloatingType(dtype)))
    fail(file.path().string(), ": tensor '", info.name, "' is ", dtype_name(info.dtype),
         ", which does not convert to ", at::toString(dtype));
  // Copy out of the mapping (its bytes need not be aligned for the element type), then convert.
  at::Tensor raw = at::empty(info.shape, at::TensorOptions().dtype(stored));
  if (info.nbytes > 0) std::memcpy(raw.data_ptr(), file.data(info), info.nbytes);
  return stored == dtype ? raw : raw.to(dtype);
}

at::Tensor load_tensor(const SafetensorsModel& model, const std::string& name, at::ScalarType dtype,
                       const std::vector<int64_t>& expected_shape) {
  TensorRef ref = model.get(name);
  if (!expected_shape.empty() && ref.info->shape != expected_shape)
    fail(ref.file->path().string(), ": tensor '", name, "' has shape ", shape_string(ref.info->shape),
         ", expected ", shape_string(expected_shape));
  return load_tensor(*ref.file, *ref.info, dtype);
}

namespace {

// Streams the file to PATH.tmp.PID, fsyncs and renames it over PATH (large models do not fit in a
// second in-memory copy, so util/files.h's string-based writer is not used here).
class AtomicWriter {
 public:
  explicit AtomicWriter(const std::filesystem::path& path) : path_(path), tmp_(path) {
    tmp_ += ".tmp." + std::to_string(::getpid());
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(tmp_.string(), ": cannot create: ", std::strerror(errno));
  }
  ~AtomicWriter() {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }
  void write(const void* data, size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      ssize_t n = ::write(fd_, p, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(tmp_.string(), ": write failed: ", std::strerror(errno));
      }
      p += n;
      size -= static_cast<size_t>(n);
    }
  }
  void commit() {
    if (::fsync(fd_) != 0) fail(tmp_.string(), ": fsync failed: ", std::strerror(errno));
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) {
      ::unlink(tmp_.c_str());
      fail(tmp_.string(), ": close failed: ", std::strerror(errno));
    }
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
      ::unlink(tmp_.c_str());
      fail(path_.string(), ": cannot rename temporary file into place: ", ec.message());
    }
  }

 private:
  std::filesystem::path path_, tmp_;
  int fd_ = -1;
};

}  // namespace

void save_safetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  // nlohmann::json objects keep keys sorted, which makes the header deterministic.
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> contiguous;
  std::set<std::string> seen;
  size_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__" || !seen.insert(name).second)
      fail(path.string(), ": tensor name '", name, "' is reserved or repeated");
    if (!tensor.defined()) fail(path.string(), ": tensor '", name, "' is undefined");
    at::Tensor t = tensor.detach().cpu().contiguous();
    const size_t nbytes = t.numel() * t.element_size();
    header[name] = {{"dtype", dtype_name(to_dtype(t.scalar_type()))},
                    {"shape", t.sizes().vec()},
                    {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
    contiguous.push_back(std::move(t));
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned

  unsigned char length_bytes[8];
  uint64_t length = header_text.size();
  for (int i = 0; i < 8; ++i) length_bytes[i] = static_cast<unsigned char>(length >> (8 * i));

  AtomicWriter out(path);
  out.write(length_bytes, 8);
  out.write(header_text.data(), header_text.size());
  for (const auto& t : contiguous) out.write(t.data_ptr(), t.numel() * t.element_size());
  out.commit();
}

}  // namespace regenesis
