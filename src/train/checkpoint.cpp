#include "train/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "model/safetensors.h"
#include "model/tensor_io.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis {

namespace {

constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kOptimizerFile = "optimizer.safetensors";
constexpr const char* kStepPrefix = "step-";
constexpr const char* kTempPrefix = ".tmp-step-";

std::string step_name(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "%s%08lld", kStepPrefix, static_cast<long long>(step));
  return name;
}

// The step of a "step-NNNNNNNN" directory name, or -1.
int64_t parse_step(const std::string& name) {
  const std::string prefix = kStepPrefix;
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return -1;
  int64_t step = 0;
  for (size_t i = prefix.size(); i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    step = step * 10 + (name[i] - '0');
  }
  return step;
}

// Makes a rename inside `dir` durable.
void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::vector<std::pair<int64_t, std::filesystem::path>> complete_checkpoints(const std::filesystem::path& dir) {
  std::vector<std::pair<int64_t, std::filesystem::path>> found;
  if (!std::filesystem::is_directory(dir)) return found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const int64_t step = parse_step(name);
    if (step >= 0 && entry.is_directory() && std::filesystem::exists(entry.path() / kStateFile))
      found.emplace_back(step, entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::map<std::string, at::Tensor> load_all(const std::filesystem::path& path) {
  const SafetensorsFile file = SafetensorsFile::open(path);
  std::map<std::string, at::Tensor> out;
  for (const TensorInfo& info : file.tensors())
    out[info.name] = load_tensor(file, info, to_scalar_type(info.dtype));
  return out;
}

}  // namespace

std::filesystem::path checkpoints_dir(const std::filesystem::path& out_dir) { return out_dir / "checkpoints"; }

void save_checkpoint(const std::filesystem::path& out_dir, const nlohmann::ordered_json& state,
                     const std::vector<std::pair<std::string, at::Tensor>>& weights,
                     const std::vector<std::pair<std::string, at::Tensor>>& optimizer, int keep) {
  const int64_t step = state.at("step").get<int64_t>();
  const std::filesystem::path dir = checkpoints_dir(out_dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path temp = dir / (kTempPrefix + std::to_string(step) + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(temp);
  std::filesystem::create_directories(temp);
  std::vector<std::pair<std::string, at::Tensor>> detached_weights;
  for (const auto& [name, tensor] : weights) detached_weights.emplace_back(name, tensor.detach());
  save_safetensors(temp / kWeightsFile, detached_weights, {{"format", "pt"}});
  save_safetensors(temp / kOptimizerFile, optimizer, {{"format", "pt"}});
  write_file_atomic(temp / kStateFile, state.dump(2) + "\n");  // written last: marks it complete
  sync_directory(temp);

  const std::filesystem::path final_dir = dir / step_name(step);
  std::filesystem::remove_all(final_dir);  // a checkpoint of the same step from a killed run
  std::filesystem::rename(temp, final_dir);
  sync_directory(dir);

  auto found = complete_checkpoints(dir);
  for (size_t i = 0; i + static_cast<size_t>(std::max(keep, 1)) < found.size(); ++i)
    std::filesystem::remove_all(found[i].second);
}

std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& out_dir) {
  const std::filesystem::path dir = checkpoints_dir(out_dir);
  if (!std::filesystem::is_directory(dir)) return std::nullopt;
  std::vector<std::filesystem::path> leftovers;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().rfind(kTempPrefix, 0) == 0) leftovers.push_back(entry.path());
  for (const auto& path : leftovers) std::filesystem::remove_all(path);
  auto found = complete_checkpoints(dir);
  if (found.empty()) return std::nullopt;
  return found.back().second;
}

CheckpointData load_checkpoint(const std::filesystem::path& checkpoint_dir) {
  CheckpointData data;
  const Json state = read_json_file(checkpoint_dir / kStateFile);
  data.state = nlohmann::ordered_json::parse(state.dump());
  data.step = require_int(state, "step", (checkpoint_dir / kStateFile).string());
  data.weights = load_all(checkpoint_dir / kWeightsFile);
  data.optimizer = load_all(checkpoint_dir / kOptimizerFile);
  return data;
}

std::string dataset_fingerprint(const std::vector<TokenizedExample>& data) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      hash ^= (value >> (8 * i)) & 0xff;
      hash *= 0x100000001b3ULL;
    }
  };
  mix(data.size());
  for (const TokenizedExample& example : data) {
    mix(example.tokens.size());
    for (size_t i = 0; i < example.tokens.size(); ++i)
      mix((static_cast<uint64_t>(static_cast<uint32_t>(example.tokens[i])) << 1) | example.loss[i]);
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace regenesis
