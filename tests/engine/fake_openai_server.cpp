#include "fake_openai_server.h"

#include <httplib.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace regenesis::test {
namespace {

using nlohmann::json;

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::string error_body(const std::string& message, const std::string& type) {
  return json{{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}}
      .dump();
}

struct FakeChoice {
  std::string text;
  std::string finish_reason;
  int tokens = 0;
};

// The fake model: see the header.
FakeChoice fake_model_answer(const std::string& content, const std::string& seed_text, int sample,
                             int max_tokens, const std::vector<std::string>& stop) {
  std::string full = "re: " + content + " | seed " + seed_text + " sample " + std::to_string(sample) +
                     " | done";
  FakeChoice choice{full, "stop", 0};
  size_t cut = std::string::npos;
  for (const auto& s : stop) {
    if (!s.empty()) cut = std::min(cut, full.find(s));
  }
  if (cut != std::string::npos) choice.text = full.substr(0, cut);
  std::vector<std::string> emitted = words(choice.text);
  if (static_cast<int>(emitted.size()) > max_tokens) {
    emitted.resize(max_tokens);
    choice.text.clear();
    for (size_t i = 0; i < emitted.size(); ++i) choice.text += (i ? " " : "") + emitted[i];
    choice.finish_reason = "length";
  }
  choice.tokens = static_cast<int>(emitted.size());
  return choice;
}

}  // namespace

FakeOpenAIServer::FakeOpenAIServer(std::string model)
    : model_(std::move(model)), server_(std::make_unique<httplib::Server>()) {
  // One request per connection: stop() then refuses new work at once instead of serving
  // requests on kept-alive connections for seconds.
  server_->set_keep_alive_max_count(1);
  server_->new_task_queue = [] { return new httplib::ThreadPool(16); };
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    int status = 200;
    std::string reply, retry_after;
    handle(request.path, request.body, request.get_header_value("Authorization"), status, reply,
           retry_after);
    response.status = status;
    if (!retry_after.empty()) response.set_header("Retry-After", retry_after);
    response.set_content(reply, "application/json");
  };
  server_->Post("/v1/completions", handler);
  server_->Post("/v1/chat/completions", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake OpenAI server: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so do not hand out a server before that.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeOpenAIServer::~FakeOpenAIServer() {
  stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeOpenAIServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void FakeOpenAIServer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  server_->stop();
}

void FakeOpenAIServer::set_fault(
    std::function<std::optional<FakeFault>(int arrival, const nlohmann::json& body)> hook) {
  std::lock_guard lock(mutex_);
  fault_ = std::move(hook);
}

void FakeOpenAIServer::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FakeOpenAIServer::require_api_key(std::string key) {
  std::lock_guard lock(mutex_);
  api_key_ = std::move(key);
}

void FakeOpenAIServer::set_reverse_choices(bool reverse) {
  std::lock_guard lock(mutex_);
  reverse_choices_ = reverse;
}

int FakeOpenAIServer::requests() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(records_.size());
}

int FakeOpenAIServer::max_in_flight() const {
  std::lock_guard lock(mutex_);
  return max_in_flight_;
}

std::vector<FakeRequestRecord> FakeOpenAIServer::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

void FakeOpenAIServer::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  stopping_cv_.wait_for(lock, delay, [this] { return stopping_; });
}

void FakeOpenAIServer::handle(const std::string& path, const std::string& body,
                              const std::string& authorization, int& status, std::string& reply,
                              std::string& retry_after) {
  json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  int arrival = 0;
  std::optional<FakeFault> fault;
  std::chrono::milliseconds delay{0};
  std::string api_key;
  bool reverse_choices = false;
  {
    std::lock_guard lock(mutex_);
    arrival = static_cast<int>(records_.size());
    records_.push_back({path, request, authorization, std::chrono::steady_clock::now()});
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    if (fault_) fault = fault_(arrival, request);
    delay = delay_;
    api_key = api_key_;
    reverse_choices = reverse_choices_;
  }
  struct LeaveFlight {
    FakeOpenAIServer* self;
    ~LeaveFlight() {
      std::lock_guard lock(self->mutex_);
      --self->in_flight_;
    }
  } leave{this};

  if (fault) delay += fault->delay;
  if (delay.count() > 0) pause(delay);
  if (fault && fault->status != 0) {
    status = fault->status;
    reply = fault->body;
    retry_after = fault->retry_after;
    return;
  }
  if (!api_key.empty() && authorization != "Bearer " + api_key) {
    status = 401;
    reply = error_body("Incorrect API key provided.", "invalid_request_error");
    return;
  }
  bool chat = path == "/v1/chat/completions";
  if (!request.is_object() || !request.contains("model") || !request.contains("max_tokens") ||
      (chat ? !request.contains("messages") || !request["messages"].is_array()
            : !request.contains("prompt") || !request["prompt"].is_string())) {
    status = 400;
    reply = error_body(chat ? "chat request needs model, messages and max_tokens"
                            : "completion request needs model, prompt and max_tokens",
                       "invalid_request_error");
    return;
  }
  if (request["model"] != model_) {
    status = 404;
    reply = error_body("The model `" + request["model"].dump() + "` does not exist.", "NotFoundError");
    return;
  }

  std::string content;
  if (chat) {
    for (const auto& message : request["messages"]) {
      content += (content.empty() ? "" : " ") + message.value("role", std::string()) + ":" +
                 message.value("content", std::string());
    }
  } else {
    content = request["prompt"].get<std::string>();
  }
  int n = request.value("n", 1);
  int max_tokens = request["max_tokens"].get<int>();
  std::string seed_text = request.contains("seed") ? request["seed"].dump() : "none";
  std::vector<std::string> stop;
  if (request.contains("stop")) {
    if (request["stop"].is_string()) stop.push_back(request["stop"].get<std::string>());
    if (request["stop"].is_array()) stop = request["stop"].get<std::vector<std::string>>();
  }

  json choices = json::array();
  int completion_tokens = 0;
  for (int i = 0; i < n; ++i) {
    FakeChoice answer = fake_model_answer(content, seed_text, i, max_tokens, stop);
    completion_tokens += answer.tokens;
    json choice = {{"index", i}, {"finish_reason", answer.finish_reason}};
    if (chat) {
      choice["message"] = {{"role", "assistant"}, {"content", answer.text}};
    } else {
      choice["text"] = answer.text;
    }
    choices.push_back(choice);
  }
  if (reverse_choices) std::reverse(choices.begin(), choices.end());
  int prompt_tokens = static_cast<int>(words(content).size());
  json response = {{"id", "cmpl-" + std::to_string(arrival)},
                   {"object", chat ? "chat.completion" : "text_completion"},
                   {"model", model_},
                   {"choices", choices},
                   {"usage",
                    {{"prompt_tokens", prompt_tokens},
                     {"completion_tokens", completion_tokens},
                     {"total_tokens", prompt_tokens + completion_tokens}}}};
  status = 200;
  reply = response.dump();
}

}  // namespace regenesis::test
