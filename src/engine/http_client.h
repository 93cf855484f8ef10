#pragma once
// A thin wrapper over libcurl's multi interface: many JSON POSTs in flight from one thread, with
// no threads of our own. The caller starts transfers tagged with its own ids and collects the
// finished ones with wait(); connections are kept alive and reused by the multi handle.
// No curl types leak out of this header.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace regenesis {

struct HttpRequest {
  std::string url;
  std::string body;                  // POSTed with Content-Type: application/json
  std::vector<std::string> headers;  // extra "Name: value" lines
  std::chrono::milliseconds timeout{600000};
  std::chrono::milliseconds connect_timeout{10000};
};

struct HttpResponse {
  long status = 0;              // 0 when no HTTP response arrived (see transport_error)
  std::string body;
  std::string transport_error;  // curl's account of a failed transfer, empty otherwise
  bool timed_out = false;
  std::string retry_after;      // raw Retry-After header value, empty when absent
};

class HttpMultiClient {
 public:
  HttpMultiClient();
  ~HttpMultiClient();  // abandons (and closes) whatever is still in flight
  HttpMultiClient(const HttpMultiClient&) = delete;
  HttpMultiClient& operator=(const HttpMultiClient&) = delete;

  void start(uint64_t tag, HttpRequest request);
  // Drives the transfers for at most `max_wait` (returning early as soon as one finishes) and
  // returns the finished ones. With nothing in flight it simply sleeps `max_wait`.
  std::vector<std::pair<uint64_t, HttpResponse>> wait(std::chrono::milliseconds max_wait);
  size_t in_flight() const { return transfers_.size(); }

 private:
  struct Transfer;
  std::vector<std::pair<uint64_t, HttpResponse>> collect_finished();
  void* multi_ = nullptr;  // CURLM*
  std::unordered_map<void*, std::unique_ptr<Transfer>> transfers_;  // keyed by CURL*
};

// Retry-After as a delay: delay-seconds ("120") or an HTTP date. nullopt when unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value);

}  // namespace regenesis
