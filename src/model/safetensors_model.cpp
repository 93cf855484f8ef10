// SafetensorsModel: the tensors of a model directory, single-file or sharded.
#include <algorithm>

#include "model/safetensors.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {

namespace {

// The shard files named by model.safetensors.index.json, each with the tensors it should hold.
std::map<std::string, std::vector<std::string>> read_index(const std::filesystem::path& index_path) {
  const std::string source = index_path.string();
  Json index = read_json_file(index_path);
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    fail(source, ": field 'weight_map' must be an object {tensor name: shard file}");
  std::map<std::string, std::vector<std::string>> shards;
  for (const auto& [name, file] : index["weight_map"].items()) {
    if (!file.is_string()) fail(source, ": weight_map entry '", name, "' must be a file name");
    const std::string shard = file.get<std::string>();
    // Shards live beside the index; a path that climbs out is not a shard of this model.
    if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..")
      fail(source, ": weight_map entry '", name, "' names an invalid shard file '", shard, "'");
    shards[shard].push_back(name);
  }
  return shards;
}

}  // namespace

SafetensorsModel SafetensorsModel::open_dir(const std::filesystem::path& dir) {
  SafetensorsModel model;
  model.dir_ = dir;
  const std::string source = dir.string();
  if (!std::filesystem::is_directory(dir)) fail(source, ": not a directory");

  auto add_file = [&](const std::filesystem::path& path) {
    model.files_.push_back(SafetensorsFile::open(path));
    const size_t file_index = model.files_.size() - 1;
    for (const auto& info : model.files_.back().tensors()) {
      auto [it, inserted] = model.location_.emplace(info.name, file_index);
      if (!inserted)
        fail(source, ": tensor '", info.name, "' appears in both ",
             model.files_[it->second].path().filename().string(), " and ",
             path.filename().string());
    }
  };

  const auto index_path = dir / "model.safetensors.index.json";
  const auto single_path = dir / "model.safetensors";
  if (std::filesystem::exists(index_path)) {
    for (const auto& [shard, names] : read_index(index_path)) {
      const auto shard_path = dir / shard;
      if (!std::filesystem::exists(shard_path))
        fail(index_path.string(), ": shard '", shard, "' (holding '", names.front(), "') is missing");
      add_file(shard_path);
      for (const auto& name : names)
        if (!model.files_.back().find(name))
          fail(shard_path.string(), ": tensor '", name, "' listed in ", index_path.filename().string(),
               " is not in this shard");
    }
  } else if (std::filesystem::exists(single_path)) {
    add_file(single_path);
  } else {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      if (entry.path().extension() == ".safetensors") found.push_back(entry.path());
    if (found.empty())
      fail(source, ": no model.safetensors, model.safetensors.index.json or *.safetensors file");
    std::sort(found.begin(), found.end());
    for (const auto& path : found) add_file(path);
  }
  return model;
}

bool SafetensorsModel::contains(const std::string& name) const { return location_.count(name) > 0; }

std::vector<std::string> SafetensorsModel::names() const {
  std::vector<std::string> out;
  out.reserve(location_.size());
  for (const auto& [name, file] : location_) out.push_back(name);
  return out;
}

TensorRef SafetensorsModel::get(const std::string& name) const {
  auto it = location_.find(name);
  if (it == location_.end()) {
    std::string files;
    for (const auto& file : files_) files += (files.empty() ? "" : ", ") + file.path().filename().string();
    fail(dir_.string(), ": tensor '", name, "' not found (files: ", files, ")");
  }
  const SafetensorsFile& file = files_[it->second];
  return TensorRef{&file, file.find(name)};
}

}  // namespace regenesis
