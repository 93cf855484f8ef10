#pragma once
// Reading the safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__"},
// then the raw tensor bytes. Files are mmap'ed read-only; nothing is copied until a tensor is
// converted (model/tensor_io.h). No torch here, so non-torch code may list a model's tensors.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace regenesis {

enum class DType { F32, F16, BF16, F64, I64, I32, I8, U8, BOOL };  // as named in the format

// "F32", "BF16", ...; parse_dtype throws Error for a name we do not know.
const char* dtype_name(DType dtype);
size_t dtype_size(DType dtype);
DType parse_dtype(const std::string& name, const std::string& source);

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  size_t offset = 0;  // from the start of the file
  size_t nbytes = 0;
  int64_t numel() const;
};

class MappedFile;  // the mmap; shared so SafetensorsFile copies stay cheap

class SafetensorsFile {  // one file, mmap'ed read-only
 public:
  // Validates the header: length within the file, JSON well formed, known dtypes, offsets inside
  // the data section, byte counts matching shapes, no two tensors overlapping. Errors name the file.
  static SafetensorsFile open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in file offset order
  const TensorInfo* find(const std::string& name) const;               // nullptr when absent
  const void* data(const TensorInfo& info) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::filesystem::path path_;
  std::shared_ptr<MappedFile> mapping_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> index_;  // name -> position in tensors_
  std::map<std::string, std::string> metadata_;
};

// A located tensor: the file that holds it (owned by the SafetensorsModel) and its entry.
struct TensorRef {
  const SafetensorsFile* file;
  const TensorInfo* info;
  const void* data() const { return file->data(*info); }
};

class SafetensorsModel {  // a model dir: model.safetensors or model.safetensors.index.json shards
 public:
  // Prefers model.safetensors.index.json (weight_map name -> shard file) when present, else
  // model.safetensors, else every *.safetensors in the dir. Error when none is found, or when the
  // index names a shard that is missing or a tensor the shard lacks.
  static SafetensorsModel open_dir(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  bool contains(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted
  // Error "DIR: tensor 'NAME' not found (files: ...)" when missing.
  TensorRef get(const std::string& name) const;
  const std::vector<SafetensorsFile>& files() const { return files_; }

 private:
  std::filesystem::path dir_;
  std::vector<SafetensorsFile> files_;
  std::map<std::string, size_t> location_;  // tensor name -> index in files_
};

}  // namespace regenesis
