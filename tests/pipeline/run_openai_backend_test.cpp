// `regenesis run` with backend = "openai", over real HTTP on loopback, against `regenesis serve`
// processes of the same tiny model: the store equals the embedded backend's with the same seed
// (every request carries its own seed, so it does not matter which server answers or what else
// it batches); a server killed mid-run loses and duplicates nothing; a server answering 429 and
// 500 for a while is retried until the run completes.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "../cli/run_support.h"
#include "../server/serve_process.h"
#include "store/run_store.h"
#include "store/sqlite_db.h"
#include "util/files.h"
#include "util/strings.h"

namespace regenesis {
namespace {

// Four questions, five candidates each (3 selections + 2 singletons): 4 x (3 + 3 x 5) = 72
// main requests plus rescue, committed one question at a time, so a run lasts long enough to
// be interrupted.
std::filesystem::path write_config(const test::TempDir& dir, const std::vector<std::string>& urls) {
  auto data = test::sample_questions(dir, 4);
  std::string toml = "seed = 11\n[run]\ndir = \"run\"\n"
                     "[model]\npath = \"" + test::tiny_model().string() + "\"\nthreads = 1\n"
                     "[data]\nquestions = \"" + data.string() + "\"\n"
                     "[synthesis]\nselections = 3\nsingletons = 2\nmax_tokens = 12\nchunk_questions = 1\n"
                     "[rescue]\nselections = 1\nmax_tokens = 6\n";
  if (!urls.empty()) {
    // Short backoff and cool-down so the fault tests take seconds.
    toml += "[backend]\ntype = \"openai\"\nmax_concurrency_per_endpoint = 4\nmax_retries = 12\n"
            "retry_backoff_s = 0.02\ncool_down_s = 0.3\ntimeout_s = 60\n";
    for (const auto& url : urls) toml += "[[backend.endpoints]]\nurl = \"" + url + "\"\nmodel = \"tiny\"\n";
  }
  auto path = dir / "run.toml";
  write_file_atomic(path, toml);
  return path;
}

std::string store_dump(const test::TempDir& dir) {
  RunStore store(dir / "run" / "run.db", {false, true});
  return store.dump();
}

std::string sft_file(const test::TempDir& dir) { return read_file(dir / "run" / "sft.jsonl"); }

// The embedded run every HTTP run must equal.
struct Reference {
  std::string dump, sft;
};
const Reference& embedded_reference() {
  static const Reference ref = [] {
    static test::TempDir dir;
    auto r = test::run_regenesis({"run", "--config", write_config(dir, {}).string()});
    if (r.exit_code != 0) throw std::runtime_error("embedded run failed: " + r.err);
    return Reference{store_dump(dir), sft_file(dir)};
  }();
  return ref;
}

std::vector<std::string> serve_args() {
  return {"--model", test::tiny_model().string(), "--dtype", "f32", "--threads", "1",
          "--served-model-name", "tiny"};
}

// Outputs committed so far (0 while the store does not exist yet or is busy).
long committed_outputs(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return 0;
  try {
    Database database(db, false, false);
    auto count = database.prepare("SELECT count(*) FROM outputs");
    return count.step() ? count.integer(0) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

TEST(RunOpenAIBackend, TwoServersGiveTheEmbeddedStore) {
  const Reference& ref = embedded_reference();
  ASSERT_NE(ref.dump.find("outputs "), std::string::npos);
  test::ServeProcess a(serve_args()), b(serve_args());
  test::TempDir dir;
  auto r = test::run_regenesis({"run", "--config", write_config(dir, {a.base_url(), b.base_url()}).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(store_dump(dir), ref.dump);
  EXPECT_EQ(sft_file(dir), ref.sft);
  EXPECT_EQ(a.terminate(), 0);
  EXPECT_EQ(b.terminate(), 0);
}

TEST(RunOpenAIBackend, AServerKilledMidRunLosesNothing) {
  const Reference& ref = embedded_reference();
  test::ServeProcess a(serve_args()), b(serve_args());
  test::TempDir dir;
  const auto config = write_config(dir, {a.base_url(), b.base_url()});
  test::CommandResult result{};
  std::thread run([&] { result = test::run_regenesis({"run", "--config", config.string()}); });
  // Kill server A once the first outputs are committed, while most requests are still to come.
  long at_kill = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while ((at_kill = committed_outputs(dir / "run" / "run.db")) < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  a.kill();
  run.join();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const long total = committed_outputs(dir / "run" / "run.db");
  EXPECT_GE(at_kill, 3);
  EXPECT_LT(at_kill, total) << "the kill came after the run had finished";
  EXPECT_EQ(store_dump(dir), ref.dump);  // every output once, the same text
  EXPECT_EQ(sft_file(dir), ref.sft);
  EXPECT_EQ(b.terminate(), 0);
}

// Forwards to a server, but answers the first `failures` completion requests with 429 (with
// Retry-After: 0) or 500, alternately, as an overloaded vLLM or a proxy in trouble would.
class FlakyProxy {
 public:
  FlakyProxy(int target_port, int failures) : target_port_(target_port), failures_(failures) {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      const int arrival = arrivals_++;
      if (arrival < failures_) {
        const bool overloaded = arrival % 2 == 0;
        res.status = overloaded ? 429 : 500;
        if (overloaded) res.set_header("Retry-After", "0");
        res.set_content(std::string(R"({"error":{"message":")") +
                            (overloaded ? "rate limited" : "internal error") + R"(","type":"server_error"}})",
                        "application/json");
        return;
      }
      httplib::Client upstream("127.0.0.1", target_port_);
      upstream.set_read_timeout(60, 0);
      auto reply = upstream.Post(req.path, req.body, "application/json");
      if (!reply) {
        res.status = 502;
        return;
      }
      res.status = reply->status;
      res.set_content(reply->body, "application/json");
    };
    server_.Post("/v1/completions", handler);
    server_.Post("/v1/chat/completions", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FlakyProxy() {
    server_.stop();
    thread_.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  int arrivals() const { return arrivals_; }

 private:
  int target_port_;
  int failures_;
  std::atomic<int> arrivals_{0};
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

TEST(RunOpenAIBackend, RetriesThrough429And500) {
  const Reference& ref = embedded_reference();
  test::ServeProcess server(serve_args());
  FlakyProxy proxy(server.port(), 10);
  test::TempDir dir;
  auto r = test::run_regenesis({"run", "--config", write_config(dir, {proxy.base_url()}).string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(proxy.arrivals(), 10);  // the failures, then the real answers
  EXPECT_EQ(store_dump(dir), ref.dump);
  EXPECT_EQ(sft_file(dir), ref.sft);
  EXPECT_EQ(server.terminate(), 0);
}

// A server that never recovers fails the run with an error naming it; what was committed stays,
// and the same command against a healthy server finishes the store as if nothing had happened.
TEST(RunOpenAIBackend, AFailedRunResumesAgainstAnotherServer) {
  const Reference& ref = embedded_reference();
  test::ServeProcess server(serve_args());
  FlakyProxy broken(server.port(), 1000000);
  test::TempDir dir;
  write_config(dir, {broken.base_url()});
  auto config = read_file(dir / "run.toml");
  write_file_atomic(dir / "run.toml", replace_all(config, "max_retries = 12", "max_retries = 1"));
  auto failed = test::run_regenesis({"run", "--config", (dir / "run.toml").string()});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find(broken.base_url()), std::string::npos) << failed.err;
  write_config(dir, {server.base_url()});  // the same identity: served model names, not URLs
  auto resumed = test::run_regenesis({"run", "--config", (dir / "run.toml").string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(store_dump(dir), ref.dump);
  EXPECT_EQ(sft_file(dir), ref.sft);
}

}  // namespace
}  // namespace regenesis
