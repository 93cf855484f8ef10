#include "engine/torch_engine.h"

#include <gtest/gtest.h>

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

#include "model/cpu_features.h"
#include "model/init_model.h"
#include "model/init_weights.h"
#include "model/tensor_io.h"
#include "model/transformer.h"
#include "test_support.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/json.h"

namespace regenesis {
namespace {

const std::string kPrompt = "Question: A farmer has 12 cows and buys 7 more. How many cows?\nAnswer:";

GenerationRequest raw_request(const std::string& id, const std::string& prompt, SamplingParams p) {
  GenerationRequest r;
  r.id = id;
  r.prompt = prompt;
  r.params = std::move(p);
  return r;
}

SamplingParams sampling(double temperature, uint64_t seed, int max_tokens, int n = 1) {
  SamplingParams p;
  p.temperature = temperature;
  p.seed = seed;
  p.max_tokens = max_tokens;
  p.n = n;
  return p;
}

struct Outcome {
  std::map<std::string, GenerationResult> by_id;
  std::vector<std::string> order;  // as on_result reported them
};

Outcome run(Generator& engine, const std::vector<GenerationRequest>& requests) {
  Outcome out;
  engine.generate(requests, [&](GenerationResult result) {
    EXPECT_EQ(out.by_id.count(result.request_id), 0u) << "reported twice: " << result.request_id;
    out.order.push_back(result.request_id);
    out.by_id[result.request_id] = std::move(result);
  });
  EXPECT_EQ(out.by_id.size(), requests.size());
  return out;
}

void expect_same(const GenerationResult& a, const GenerationResult& b) {
  EXPECT_EQ(a.prompt_tokens, b.prompt_tokens);
  ASSERT_EQ(a.completions.size(), b.completions.size());
  for (size_t i = 0; i < a.completions.size(); ++i) {
    EXPECT_EQ(a.completions[i].text, b.completions[i].text) << "sample " << i;
    EXPECT_EQ(a.completions[i].completion_tokens, b.completions[i].completion_tokens) << "sample " << i;
    EXPECT_EQ(a.completions[i].finish, b.completions[i].finish) << "sample " << i;
  }
}

// Greedy decoding the slow, independent way: the full causal forward over the whole sequence at
// every step, no cache, argmax with at::argmax.
std::vector<int32_t> reference_greedy(Transformer& model, std::vector<int64_t> tokens, int max_new,
                                      int64_t candidates, const std::vector<int64_t>& eos) {
  c10::InferenceMode guard;
  std::vector<int32_t> out;
  for (int i = 0; i < max_new; ++i) {
    at::Tensor input = at::tensor(tokens, at::kLong).view({1, -1});
    at::Tensor last = model.forward_full(input)[0][-1].slice(0, 0, candidates);
    const int64_t next = last.argmax().item<int64_t>();
    out.push_back(static_cast<int32_t>(next));
    if (std::count(eos.begin(), eos.end(), next)) break;
    tokens.push_back(next);
  }
  return out;
}

// float32 everywhere: the tests compare against float32 references.
EngineOptions f32_options() {
  EngineOptions o;
  o.dtype = "f32";
  return o;
}

class TorchEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    for (const std::string arch : {"llama", "qwen2"}) {
      InitOptions o;
      o.arch = arch;
      o.seed = 11;
      init_model_dir(dir_->path() / arch, o);
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::filesystem::path model(const std::string& arch = "llama") { return dir_->path() / arch; }
  static test::TempDir* dir_;
};
test::TempDir* TorchEngineTest::dir_ = nullptr;

TEST_F(TorchEngineTest, GreedyMatchesAStepByStepFullForward) {
  for (const std::string arch : {"llama", "qwen2"}) {
    SCOPED_TRACE(arch);
    TorchEngine engine(model(arch), f32_options());
    Transformer reference = Transformer::load(model(arch));
    const auto request = raw_request("g", kPrompt, sampling(0.0, 0, 24));
    const auto result = run(engine, {request}).by_id.at("g");
    const auto prompt = engine.prompt_tokens(request);
    const int64_t candidates = std::min<int64_t>(1024, engine.tokenizer().vocab_size());
    auto want = reference_greedy(reference, prompt, 24, candidates, engine.eos_ids());
    ASSERT_EQ(result.completions.size(), 1u);
    const Completion& c = result.completions[0];
    EXPECT_EQ(result.prompt_tokens, static_cast<int>(prompt.size()));
    EXPECT_EQ(c.completion_tokens, static_cast<int>(want.size()));
    const bool ended_by_eos = std::count(engine.eos_ids().begin(), engine.eos_ids().end(), want.back());
    EXPECT_EQ(c.finish, ended_by_eos ? FinishReason::Stop : FinishReason::Length);
    if (ended_by_eos) want.pop_back();
    EXPECT_EQ(c.text, engine.tokenizer().decode(want, /*skip_special_tokens=*/true));
  }
}

// In float32, and in bfloat16 where the engine's own bf16 kernels run (AVX512_BF16, or AMX tiles
// on CPUs that have them): both add every output's products in a batch-independent order.
TEST_F(TorchEngineTest, ARequestsOutputDoesNotDependOnTheBatch) {
  SamplingParams pa = sampling(0.8, 5, 20);
  pa.top_p = 0.95;
  const auto a = raw_request("a", kPrompt, pa);
  const auto b = raw_request("b", "Once upon a time", sampling(1.0, 9, 12, 2));
  GenerationRequest c;
  c.id = "c";
  c.messages = {{"user", "What is the capital of France?"}};
  c.params = sampling(0.0, 0, 30);
  SamplingParams pd = sampling(1.2, 3, 16, 3);
  pd.top_k = 40;
  const auto d = raw_request("d", "def add(a, b):\n    return", pd);

  std::vector<std::string> dtypes = {"f32"};
  if (cpu_features().avx512_bf16 && !simd_kernels_disabled()) dtypes.push_back("bf16");
  for (const std::string& dtype : dtypes) {
    SCOPED_TRACE(dtype);
    EngineOptions options = f32_options();
    options.dtype = dtype;
    TorchEngine wide(model(), options);
    std::map<std::string, GenerationResult> alone;
    for (const auto& r : {a, b, c, d}) alone[r.id] = run(wide, {r}).by_id.at(r.id);

    const auto together = run(wide, {b, a, c, d});
    for (const auto& [id, result] : alone) {
      SCOPED_TRACE("batched, request " + id);
      expect_same(together.by_id.at(id), result);
    }
    // Two slots for 7 sequences: slots are reused as sequences finish, forks copy prompts.
    EngineOptions narrow_options = options;
    narrow_options.max_batch = 2;
    TorchEngine narrow(model(), narrow_options);
    const auto squeezed = run(narrow, {d, a, b, c});
    for (const auto& [id, result] : alone) {
      SCOPED_TRACE("two slots, request " + id);
      expect_same(squeezed.by_id.at(id), result);
    }
  }
}

// Prompts longer than one step's prefill budget are computed in chunks whose boundaries depend
// on what else is in the step, and prompts sharing a prefix reuse each other's cached blocks:
// neither may change a request's output (the pipeline's SELECT prompts are ~1,500 tokens and
// share the guideline list).
TEST_F(TorchEngineTest, LongAndSharedPromptsDoNotDependOnTheBatch) {
  std::string shared;
  for (int i = 0; i < 60; ++i) shared += "Guideline " + std::to_string(i) + ": think about the step. ";
  std::vector<GenerationRequest> requests;
  for (int i = 0; i < 6; ++i) {
    SamplingParams p = sampling(1.2, 100 + i, 12);
    p.top_p = 0.9;
    const std::string prompt = i % 2 ? shared + "Question " + std::to_string(i) + "?"
                                     : "Task " + std::to_string(i) + ". " + shared.substr(0, 200 * (i + 1));
    requests.push_back(raw_request("r" + std::to_string(i), prompt, p));
  }
  TorchEngine engine(model(), f32_options());
  const auto together = run(engine, requests);
  for (const auto& r : requests) {
    TorchEngine fresh(model(), f32_options());
    const auto alone = run(fresh, {r});
    SCOPED_TRACE("request " + r.id + ", " + std::to_string(alone.by_id.at(r.id).prompt_tokens) + " prompt tokens");
    expect_same(together.by_id.at(r.id), alone.by_id.at(r.id));
  }
}

TEST_F(TorchEngineTest, NSamplesEqualSeparateRequestsWithSeedPlusIndex) {
  TorchEngine engine(model(), f32_options());
  const auto together = run(engine, {raw_request("x", kPrompt, sampling(1.0, 10, 16, 3))}).by_id.at("x");
  ASSERT_EQ(together.completions.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const auto single =
        run(engine, {raw_request("s", kPrompt, sampling(1.0, 10 + i, 16))}).by_id.at("s");
    EXPECT_EQ(single.completions[0].text, together.completions[i].text) << "sample " << i;
    EXPECT_EQ(single.completions[0].completion_tokens, together.completions[i].completion_tokens);
  }
  EXPECT_FALSE(together.completions[0].text == together.completions[1].text &&
               together.completions[1].text == together.completions[2].text)
      << "three samples at temperature 1 came out identical";
}

TEST_F(TorchEngineTest, StopStringEndsTheTextBeforeItEvenAcrossTokens) {
  TorchEngine engine(model(), f32_options());
  const auto request = raw_request("r", kPrompt, sampling(0.0, 0, 40));
  Transformer reference = Transformer::load(model());
  const auto ids = reference_greedy(reference, engine.prompt_tokens(request), 40,
                                    engine.tokenizer().vocab_size(), engine.eos_ids());
  ASSERT_GE(ids.size(), 20u);
  // The text each token adds, and a stop string made of the end of one piece and the start of
  // the next.
  IncrementalDecoder decoder(engine.tokenizer(), true);
  std::vector<std::string> pieces;
  for (int32_t id : ids) pieces.push_back(decoder.push(id));
  size_t boundary = 5;
  while (boundary + 1 < pieces.size() &&
         (pieces[boundary].size() < 2 || pieces[boundary + 1].size() < 2))
    ++boundary;
  ASSERT_LT(boundary + 1, pieces.size());
  std::string before;
  for (size_t i = 0; i <= boundary; ++i) before += pieces[i];
  const std::string stop = before.substr(before.size() - 2) + pieces[boundary + 1].substr(0, 2);

  std::string text;
  int tokens_until_stop = 0;
  while (text.find(stop) == std::string::npos) text += pieces[tokens_until_stop++];
  const std::string want = text.substr(0, text.find(stop));

  auto with_stop = request;
  with_stop.params.stop = {"never appears \x01", stop};
  const auto result = run(engine, {with_stop}).by_id.at("r");
  EXPECT_EQ(result.completions[0].text, want);
  EXPECT_EQ(result.completions[0].finish, FinishReason::Stop);
  EXPECT_EQ(result.completions[0].completion_tokens, tokens_until_stop);
  EXPECT_LE(tokens_until_stop, static_cast<int>(boundary) + 2);

  // Streamed through submit(): the pieces arrive before the result, one per settled token or
  // so, never include the start of the stop string, and add up to the final text.
  std::mutex mutex;
  std::condition_variable done_cv;
  std::vector<std::string> streamed;
  std::optional<GenerationResult> done;
  engine.submit(
      with_stop,
      [&](GenerationResult r) {
        std::lock_guard lock(mutex);
        done = std::move(r);
        done_cv.notify_all();
      },
      {},
      [&](int sample, const std::string& piece) {
        std::lock_guard lock(mutex);
        EXPECT_EQ(sample, 0);
        EXPECT_FALSE(done) << "text after the result";
        streamed.push_back(piece);
      });
  std::unique_lock lock(mutex);
  ASSERT_TRUE(done_cv.wait_for(lock, std::chrono::seconds(60), [&] { return done.has_value(); }));
  std::string joined;
  for (const auto& piece : streamed) {
    EXPECT_FALSE(piece.empty());
    joined += piece;
    EXPECT_EQ(want.rfind(joined, 0), 0u) << "a streamed piece is not part of the final text";
  }
  EXPECT_EQ(joined, want);
  EXPECT_GE(streamed.size(), static_cast<size_t>(tokens_until_stop) / 2);
}

TEST_F(TorchEngineTest, MaxTokensAndTheContextEndCompletionsWithLength) {
  EngineOptions options = f32_options();
  options.max_context = 40;
  TorchEngine engine(model(), options);
  const auto prompt_length = static_cast<int>(engine.prompt_tokens(raw_request("p", kPrompt, {})).size());
  ASSERT_LT(prompt_length, 35);
  const auto out = run(engine, {raw_request("short", kPrompt, sampling(0.7, 1, 3)),
                                raw_request("long", kPrompt, sampling(0.7, 2, 500))});
  for (const auto& [id, result] : out.by_id)
    EXPECT_EQ(result.completions[0].finish, FinishReason::Length) << id;
  EXPECT_EQ(out.by_id.at("short").completions[0].completion_tokens, 3);
  // The last token is sampled but never fed, so the context holds prompt + completion - 1.
  EXPECT_EQ(out.by_id.at("long").completions[0].completion_tokens, 40 - prompt_length + 1);
  // Reported as soon as done: the 3-token request first.
  EXPECT_EQ(out.order, (std::vector<std::string>{"short", "long"}));
}

TEST_F(TorchEngineTest, EosFromGenerationConfigEndsWithStop) {
  // A zero final norm makes every logit 0, so greedy picks id 0: <|endoftext|>, an EOS only
  // through generation_config.json's eos_token_id list.
  test::TempDir dir;
  InitOptions o;
  o.seed = 11;
  init_model_dir(dir.path(), o);
  auto tensors = init_random_weights(init_preset_config(o), o.seed, at::kFloat);
  for (auto& [name, tensor] : tensors)
    if (name == "model.norm.weight") tensor = at::zeros_like(tensor);
  save_safetensors(dir / "model.safetensors", tensors);
  TorchEngine engine(dir.path(), f32_options());
  EXPECT_EQ(engine.eos_ids(), (std::vector<int64_t>{0, 2}));
  const auto result = run(engine, {raw_request("e", kPrompt, sampling(0.0, 0, 50, 2))}).by_id.at("e");
  for (const auto& c : result.completions) {
    EXPECT_EQ(c.finish, FinishReason::Stop);
    EXPECT_EQ(c.completion_tokens, 1);
    EXPECT_EQ(c.text, "");
  }
  // ignore_eos keeps sampling (the EOS ids themselves decode to nothing, being special).
  auto past = raw_request("past", kPrompt, sampling(0.0, 0, 7));
  past.params.ignore_eos = true;
  const auto kept = run(engine, {past}).by_id.at("past");
  EXPECT_EQ(kept.completions[0].finish, FinishReason::Length);
  EXPECT_EQ(kept.completions[0].completion_tokens, 7);
}

TEST_F(TorchEngineTest, ChatMessagesGoThroughTheChatTemplate) {
  TorchEngine engine(model(), f32_options());
  GenerationRequest chat;
  chat.id = "chat";
  chat.messages = {{"user", "Hi there"}};
  chat.params = sampling(0.0, 0, 10);
  const std::string rendered = ChatTemplate::for_model(model()).render(chat.messages, true);
  EXPECT_EQ(rendered, "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
  const auto a = run(engine, {chat}).by_id.at("chat");
  const auto b = run(engine, {raw_request("chat", rendered, chat.params)}).by_id.at("chat");
  expect_same(a, b);
  EXPECT_EQ(a.prompt_tokens, static_cast<int>(engine.tokenizer().encode(rendered).size()));
}

TEST_F(TorchEngineTest, BadRequestsAreErrorsBeforeAnyWork) {
  EngineOptions options = f32_options();
  options.max_context = 8;
  TorchEngine engine(model(), options);
  auto expect_error = [&](const GenerationRequest& r, const std::string& fragment) {
    bool reported = false;
    try {
      engine.generate({raw_request("fine", "a", sampling(0, 0, 2)), r},
                      [&](GenerationResult) { reported = true; });
      ADD_FAILURE() << "expected an error containing: " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
    EXPECT_FALSE(reported);
  };
  expect_error(raw_request("long", kPrompt, sampling(0, 0, 4)), "request 'long': the prompt has");
  expect_error(raw_request("empty", "", sampling(0, 0, 4)), "request 'empty': the prompt is empty");
  expect_error(raw_request("n0", "a", sampling(0, 0, 4, 0)), "n must be at least 1");
  expect_error(raw_request("m0", "a", sampling(0, 0, 0)), "max_tokens");
  SamplingParams bad_p = sampling(1, 0, 4);
  bad_p.top_p = 0;
  expect_error(raw_request("p0", "a", bad_p), "top_p");
  GenerationRequest both = raw_request("both", "a", sampling(0, 0, 4));
  both.messages = {{"user", "b"}};
  expect_error(both, "exactly one of a prompt and chat messages");
  EXPECT_THROW(TorchEngine(dir_->path() / "missing"), Error);
}

TEST(TorchEngineStories, GreedyFromBosMatchesTheReferenceContinuation) {
  REGENESIS_REQUIRE_SHARED(dir, "models/stories260K");
  const Json reference = read_json_file(dir / "reference_outputs.json");
  const std::string want = reference.at("greedy_from_bos_text").get<std::string>();
  const auto want_ids = reference.at("greedy_from_bos_ids").get<std::vector<int>>();
  TorchEngine engine(dir, f32_options());
  const auto request = raw_request("bos", "<s>", sampling(0.0, 0, static_cast<int>(want_ids.size()) - 1));
  EXPECT_EQ(engine.prompt_tokens(request), (std::vector<int64_t>{1}));
  const auto result = run(engine, {request}).by_id.at("bos");
  EXPECT_EQ(result.completions[0].text, want);
  EXPECT_EQ(result.completions[0].completion_tokens, 200);
  EXPECT_EQ(result.completions[0].finish, FinishReason::Length);
}

}  // namespace
}  // namespace regenesis
