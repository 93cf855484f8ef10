// Fuzzes the HTTP request bodies of `regenesis serve` (server/api_request.h), the one parser that
// reads from the network: the input is  FLAGS-BYTE body. Bit 0 of FLAGS picks the route
// (completions or chat), bit 1 small limits (so that every bound is reached by short inputs).
// A body either gives a request within the limits or an ApiError: 413 exactly when the body is
// over max_body_bytes, 400 otherwise. Any other exception escapes and is a finding.
#include <cmath>

#include "fuzz_support.h"
#include "server/api_error.h"
#include "server/api_request.h"

using namespace regenesis;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ApiRoute route = (data[0] & 1) ? ApiRoute::Chat : ApiRoute::Completions;
  ApiLimits limits;
  if (data[0] & 2) {
    limits.max_body_bytes = 256;
    limits.max_json_depth = 4;
    limits.max_n = 2;
    limits.max_tokens = 5;
    limits.max_prompts = 2;
    limits.max_stop = 1;
  }
  const std::string_view body = fuzz::as_text(data + 1, size - 1);
  ApiRequest r;
  try {
    r = parse_api_request(route, body, limits);
  } catch (const ApiError& e) {
    const bool too_large = body.size() > limits.max_body_bytes;
    fuzz::require(e.status() == (too_large ? 413 : 400),
                  "status " + std::to_string(e.status()) + " for a body of " + std::to_string(body.size()) + " bytes");
    (void)api_error_body(e);  // the error answer must be producible for any message
    return 0;
  }
  fuzz::require(body.size() <= limits.max_body_bytes, "a body over the limit was accepted");
  fuzz::require(r.route == route, "route changed");
  const SamplingParams& p = r.params;
  fuzz::require(p.n >= 1 && p.n <= limits.max_n, "n out of range: " + std::to_string(p.n));
  fuzz::require(!r.max_tokens || (*r.max_tokens >= 1 && *r.max_tokens <= limits.max_tokens),
                "max_tokens out of range");
  fuzz::require(std::isfinite(p.temperature) && p.temperature >= 0, "bad temperature");
  fuzz::require(p.top_p > 0 && p.top_p <= 1, "bad top_p");
  fuzz::require(p.top_k >= 0, "negative top_k");
  fuzz::require(static_cast<long long>(p.stop.size()) <= limits.max_stop, "too many stop strings");
  for (const auto& s : p.stop) fuzz::require(!s.empty(), "an empty stop string was kept");
  if (route == ApiRoute::Completions) {
    fuzz::require(!r.prompts.empty() && static_cast<long long>(r.prompts.size()) <= limits.max_prompts,
                  "prompt count out of range");
    fuzz::require(r.messages.empty(), "messages on the completions route");
  } else {
    fuzz::require(!r.messages.empty(), "a chat request without messages");
    fuzz::require(r.prompts.empty(), "prompts on the chat route");
  }
  return 0;
}
