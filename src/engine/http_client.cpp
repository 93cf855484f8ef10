#include "engine/http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "util/error.h"
#include "util/strings.h"

namespace regenesis {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fail("libcurl failed to initialise");
  });
}

// Proxies from the environment are honoured, but a loopback server is never reached through one.
std::string no_proxy_list() {
  std::string list = "127.0.0.1,localhost,::1";
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    if (const char* value = std::getenv(name); value && *value) return std::string(value) + "," + list;
  }
  return list;
}

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

struct HttpMultiClient::Transfer {
  uint64_t tag = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;  // POST data must outlive the transfer
  char error[CURL_ERROR_SIZE] = {};
  HttpResponse response;

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }
};

namespace {
size_t capture_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view name = "retry-after:";
  if (line.size() > name.size() && to_lower_ascii(line.substr(0, name.size())) == name) {
    response->retry_after = trim(line.substr(name.size()));
  }
  return size * count;
}
}  // namespace

HttpMultiClient::HttpMultiClient() {
  init_curl_once();
  multi_ = curl_multi_init();
  if (!multi_) fail("libcurl: cannot create a multi handle");
}

HttpMultiClient::~HttpMultiClient() {
  for (auto& [easy, transfer] : transfers_) curl_multi_remove_handle(multi_, easy);
  transfers_.clear();
  curl_multi_cleanup(multi_);
}

void HttpMultiClient::start(uint64_t tag, HttpRequest request) {
  auto transfer = std::make_unique<Transfer>();
  transfer->tag = tag;
  transfer->body = std::move(request.body);
  transfer->easy = curl_easy_init();
  if (!transfer->easy) fail("libcurl: cannot create an easy handle");
  CURL* easy = transfer->easy;

  transfer->headers = curl_slist_append(transfer->headers, "Content-Type: application/json");
  transfer->headers = curl_slist_append(transfer->headers, "Accept: application/json");
  // No "Expect: 100-continue" round trip for large prompts.
  transfer->headers = curl_slist_append(transfer->headers, "Expect:");
  for (const auto& header : request.headers) {
    transfer->headers = curl_slist_append(transfer->headers, header.c_str());
  }
  static const std::string no_proxy = no_proxy_list();

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer->body.size()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer->response.body);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, capture_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer->response);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_NOPROXY, no_proxy.c_str());

  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) fail("libcurl: cannot start a transfer");
  transfers_.emplace(easy, std::move(transfer));
}

std::vector<std::pair<uint64_t, HttpResponse>> HttpMultiClient::wait(
    std::chrono::milliseconds max_wait) {
  int running = 0;
  curl_multi_perform(multi_, &running);
  auto finished = collect_finished();
  if (!finished.empty()) return finished;
  curl_multi_poll(multi_, nullptr, 0, static_cast<int>(max_wait.count()), nullptr);
  curl_multi_perform(multi_, &running);
  return collect_finished();
}

std::vector<std::pair<uint64_t, HttpResponse>> HttpMultiClient::collect_finished() {
  std::vector<std::pair<uint64_t, HttpResponse>> finished;
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    CURLcode code = message->data.result;
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) continue;
    Transfer& transfer = *it->second;
    HttpResponse& response = transfer.response;
    if (code == CURLE_OK) {
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
    } else {
      response.status = 0;
      response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
      response.transport_error = transfer.error[0] ? transfer.error : curl_easy_strerror(code);
    }
    curl_multi_remove_handle(multi_, easy);
    finished.emplace_back(transfer.tag, std::move(response));
    transfers_.erase(it);
  }
  return finished;
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value) {
  std::string text = trim(value);
  if (text.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    char* end = nullptr;
    double seconds = std::strtod(text.c_str(), &end);
    if (*end != '\0' || seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
  }
  time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  long long delta = static_cast<long long>(when) - static_cast<long long>(std::time(nullptr));
  return std::chrono::milliseconds(delta > 0 ? delta * 1000 : 0);
}

}  // namespace regenesis
