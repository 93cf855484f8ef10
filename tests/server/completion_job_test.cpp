// CompletionJob and prepare_completion over a scripted CompletionSource: how requests are built
// from the API request, and how results become one response or a stream of chunks.
#include "server/completion_job.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "sse_parse.h"
#include "util/error.h"

namespace regenesis {
namespace {

using nlohmann::json;

// Holds what was submitted; the test decides when and how each request finishes.
class ScriptedSource : public CompletionSource {
 public:
  explicit ScriptedSource(bool streams = false) : streams_(streams) {}
  void submit(GenerationRequest request, CompletionCallbacks callbacks) override {
    std::lock_guard<std::mutex> lock(mutex);
    requests.push_back(std::move(request));
    callbacks_.push_back(std::move(callbacks));
  }
  bool streams_tokens() const override { return streams_; }
  void drain() override {}

  // Finishes request `i` with completions "<id>:<sample>:<suffix>" (stop), tokens = text size.
  void finish(size_t i, const std::string& suffix = "") {
    GenerationResult result;
    result.request_id = requests[i].id;
    result.prompt_tokens = 10 + static_cast<int>(i);
    for (int s = 0; s < requests[i].params.n; ++s) {
      Completion c;
      c.text = requests[i].id + ":" + std::to_string(s) + ":" + suffix;
      c.completion_tokens = static_cast<int>(c.text.size());
      c.finish = s % 2 ? FinishReason::Length : FinishReason::Stop;
      result.completions.push_back(c);
    }
    callbacks_[i].on_done(result);
  }
  void text(size_t i, int sample, const std::string& piece) { callbacks_[i].on_text(sample, piece); }
  void error(size_t i, const ApiError& e) { callbacks_[i].on_error(e); }

  std::mutex mutex;
  std::vector<GenerationRequest> requests;

 private:
  bool streams_;
  std::vector<CompletionCallbacks> callbacks_;
};

// Counts words; "fail" in the text makes it unrenderable (as a chat template would).
ServedModel word_model(int context = 32) {
  ServedModel m;
  m.name = "tiny";
  m.max_context = context;
  m.count_prompt_tokens = [](const GenerationRequest& r) {
    std::string text = r.prompt.value_or("");
    for (const auto& message : r.messages) text += " " + message.content;
    if (text.find("fail") != std::string::npos) fail("no template for that");
    size_t words = 0;
    bool in_word = false;
    for (char c : text) {
      if (c != ' ' && !in_word) ++words;
      in_word = c != ' ';
    }
    return words;
  };
  return m;
}

PreparedCompletion prepare(const std::string& body, ApiRoute route = ApiRoute::Completions,
                           ApiLimits limits = {}) {
  return prepare_completion(parse_api_request(route, body, limits), word_model(), limits);
}

std::pair<int, std::string> refusal(const std::string& body, ApiRoute route = ApiRoute::Completions) {
  try {
    prepare(body, route);
  } catch (const ApiError& e) {
    return {e.status(), e.code().empty() ? e.param() : e.code()};
  }
  return {0, ""};
}

TEST(PrepareCompletion, BuildsOneRequestPerPromptWithSharedSeed) {
  PreparedCompletion p = prepare(R"({"model": "tiny", "prompt": ["a b", "c"], "n": 2, "seed": 77,
                                     "max_tokens": 5, "echo": true, "temperature": 0})");
  ASSERT_EQ(p.requests.size(), 2u);
  EXPECT_EQ(p.requests[1].prompt, "c");
  EXPECT_EQ(p.requests[0].params.seed, 77u);
  EXPECT_EQ(p.requests[1].params.seed, 77u);
  EXPECT_EQ(p.requests[0].params.max_tokens, 5);
  EXPECT_EQ(p.requests[0].params.n, 2);
  EXPECT_EQ(p.echo_prefix, (std::vector<std::string>{"a b", "c"}));
  EXPECT_EQ(p.head.route, ApiRoute::Completions);
  EXPECT_EQ(p.head.id.rfind("cmpl-", 0), 0u);
}

TEST(PrepareCompletion, DefaultMaxTokensFollowOpenAI) {
  // Completions: 16. Chat: the rest of the context (32 - 3 words), capped by the limit.
  EXPECT_EQ(prepare(R"({"model": "tiny", "prompt": "x"})").requests[0].params.max_tokens, 16);
  const char* chat = R"({"model": "tiny", "messages": [{"role": "user", "content": "a b c"}]})";
  EXPECT_EQ(prepare(chat, ApiRoute::Chat).requests[0].params.max_tokens, 29);
  ApiLimits limits;
  limits.max_tokens = 8;
  EXPECT_EQ(prepare(chat, ApiRoute::Chat, limits).requests[0].params.max_tokens, 8);
}

TEST(PrepareCompletion, SeedsAreDrawnWhenAbsent) {
  std::set<uint64_t> seeds;
  for (int i = 0; i < 4; ++i) seeds.insert(prepare(R"({"model": "tiny", "prompt": "x"})").requests[0].params.seed);
  EXPECT_GT(seeds.size(), 1u);
}

TEST(PrepareCompletion, RefusesWhatTheModelCannotServe) {
  EXPECT_EQ(refusal(R"({"model": "other", "prompt": "x"})"), std::make_pair(404, std::string("model_not_found")));
  EXPECT_EQ(refusal(R"({"model": "tiny", "prompt": "   "})"), std::make_pair(400, std::string("prompt")));
  std::string words;
  for (int i = 0; i < 32; ++i) words += "w ";
  EXPECT_EQ(refusal(R"({"model": "tiny", "prompt": ")" + words + "\"}"),
            std::make_pair(400, std::string("context_length_exceeded")));
  words.resize(words.size() - 2);  // 31 words: one position left
  EXPECT_EQ(refusal(R"({"model": "tiny", "prompt": ")" + words + "\"}").first, 0);
  EXPECT_EQ(refusal(R"({"model": "tiny", "messages": [{"role": "user", "content": "fail"}]})", ApiRoute::Chat),
            std::make_pair(400, std::string("messages")));
}

TEST(CompletionJob, WholeResponseHasEveryChoiceInOrderAndUsage) {
  ScriptedSource source;
  auto job = CompletionJob::start(source, prepare(R"({"model": "tiny", "prompt": ["p", "q"], "n": 2,
                                                      "echo": true, "seed": 1})"));
  ASSERT_EQ(source.requests.size(), 2u);
  std::thread finisher([&] {
    source.finish(1);  // out of order: the response is still in prompt order
    source.finish(0);
  });
  const json body = json::parse(job->wait_for_response());
  finisher.join();
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["model"], "tiny");
  ASSERT_EQ(body["choices"].size(), 4u);
  const char* texts[] = {"p0:0:", "p0:1:", "q1:0:", "q1:1:"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(body["choices"][i]["index"], i);
    EXPECT_EQ(body["choices"][i]["text"], texts[i]);
    EXPECT_TRUE(body["choices"][i]["logprobs"].is_null());
    EXPECT_EQ(body["choices"][i]["finish_reason"], i % 2 ? "length" : "stop");
  }
  // Prompts once each (10 + 11), completions all four (5 bytes each in this script).
  EXPECT_EQ(body["usage"], (json{{"prompt_tokens", 21}, {"completion_tokens", 16}, {"total_tokens", 37}}));
}

TEST(CompletionJob, ChatResponseHasAssistantMessages) {
  ScriptedSource source;
  auto job = CompletionJob::start(source, prepare(R"({"model": "tiny", "messages": [{"role": "user",
                                                      "content": "hi"}]})", ApiRoute::Chat));
  source.finish(0, "x");
  const json body = json::parse(job->wait_for_response());
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["choices"][0]["message"], (json{{"role", "assistant"}, {"content", "0:0:x"}}));
  EXPECT_EQ(body["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
}

TEST(CompletionJob, ErrorFromTheSourceIsThrown) {
  ScriptedSource source;
  auto job = CompletionJob::start(source, prepare(R"({"model": "tiny", "prompt": ["a", "b"]})"));
  source.finish(0);
  source.error(1, ApiError(400, "nope", "prompt"));
  try {
    job->wait_for_response();
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_STREQ(e.what(), "nope");
  }
}

std::string drain_stream(CompletionJob& job) {
  std::string all;
  while (auto events = job.next_events()) all += *events;
  return all;
}

TEST(CompletionJob, StreamOfWholeCompletions) {
  ScriptedSource source;
  auto job = CompletionJob::start(source, prepare(R"({"model": "tiny", "messages": [{"role": "user",
                                     "content": "hi"}], "n": 3, "stream": true,
                                     "stream_options": {"include_usage": true}})", ApiRoute::Chat));
  source.finish(0, "abc");
  const test::StreamSummary s = test::summarize_stream(drain_stream(*job), /*chat=*/true);
  EXPECT_EQ(s.roles, (std::vector<std::string>{"assistant", "assistant", "assistant"}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(s.text.at(i), "0:" + std::to_string(i) + ":abc");
    EXPECT_EQ(s.finish_reason.at(i), i % 2 ? "length" : "stop");
    EXPECT_EQ(s.finish_chunks.at(i), 1);
  }
  EXPECT_EQ(s.ids.size(), 1u);
  EXPECT_EQ(s.usage, (json{{"prompt_tokens", 10}, {"completion_tokens", 21}, {"total_tokens", 31}}));
  EXPECT_TRUE(s.done_last);
  // Every chunk before the usage chunk carries "usage": null, as OpenAI's do.
  for (size_t i = 0; i + 1 < s.chunks.size(); ++i) EXPECT_TRUE(s.chunks[i]["usage"].is_null());
  EXPECT_FALSE(job->next_events().has_value());
}

TEST(CompletionJob, StreamOfTokensSendsPiecesAndOnlyTheRestAtTheEnd) {
  ScriptedSource source(/*streams=*/true);
  auto job = CompletionJob::start(source, prepare(R"({"model": "tiny", "prompt": "p", "stream": true,
                                                      "echo": true})"));
  source.text(0, 0, "0:");
  const std::string first = *job->next_events();
  EXPECT_NE(first.find("\"text\":\"p\""), std::string::npos) << first;  // the echoed prompt
  EXPECT_NE(first.find("\"text\":\"0:\""), std::string::npos) << first;
  source.text(0, 0, "0");
  source.finish(0);  // final text "0:0:": ":" is all that was not streamed yet
  const std::string rest = drain_stream(*job);
  const test::StreamSummary s = test::summarize_stream(first + rest, /*chat=*/false);
  EXPECT_EQ(s.text.at(0), "p0:0:");
  EXPECT_EQ(s.finish_reason.at(0), "stop");
  EXPECT_TRUE(s.usage.is_null());  // not asked for
  EXPECT_TRUE(s.done_last);
  for (const auto& chunk : s.chunks) EXPECT_FALSE(chunk.contains("usage"));
}

TEST(CompletionJob, StreamErrorIsAnEventThenDone) {
  ScriptedSource source;
  auto job = CompletionJob::start(source, prepare(R"({"model": "tiny", "prompt": ["a", "b"], "stream": true})"));
  source.finish(0);
  source.error(1, ApiError(500, "engine broke", "", "", "server_error"));
  source.finish(1);  // too late: ignored
  const test::StreamSummary s = test::summarize_stream(drain_stream(*job), /*chat=*/false);
  ASSERT_FALSE(s.chunks.empty());
  EXPECT_EQ(s.chunks.back()["error"]["message"], "engine broke");
  EXPECT_EQ(s.chunks.back()["error"]["type"], "server_error");
  EXPECT_EQ(s.text.at(0), "0:0:");
  EXPECT_EQ(s.text.count(1), 0u);
  EXPECT_TRUE(s.done_last);
}

}  // namespace
}  // namespace regenesis
