// run.toml parsing: defaults, strict keys and types with the key path and line, path resolution,
// and the generation identity that guards a store.
#include <gtest/gtest.h>

#include "pipeline/run_config.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

std::string error_of(const std::string& toml) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", toml);
  try {
    RunConfig::from_toml_file(dir / "run.toml");
  } catch (const Error& e) {
    std::string message = e.what();
    // Drop the temp dir so the tests can compare the rest.
    auto pos = message.find("run.toml");
    return pos == std::string::npos ? message : message.substr(pos);
  }
  return "(no error)";
}

TEST(RunConfig, EmptyFileGivesThePaperDefaults) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", "");
  RunConfig c = RunConfig::from_toml_file(dir / "run.toml");
  EXPECT_EQ(c.synthesis.selections, 20);
  EXPECT_EQ(c.synthesis.singletons, -1);
  EXPECT_DOUBLE_EQ(c.synthesis.sampling.temperature, 1.2);
  EXPECT_DOUBLE_EQ(c.synthesis.sampling.top_p, 0.9);
  EXPECT_EQ(c.synthesis.sampling.max_tokens, 2048);
  EXPECT_EQ(c.synthesis.sampling.stop, (std::vector<std::string>{"</s>", "[/INST]"}));
  EXPECT_DOUBLE_EQ(c.rescue.sampling.temperature, 0.85);
  EXPECT_TRUE(c.rescue.sampling.stop.empty());
  EXPECT_EQ(c.rescue.selections, 20);
  EXPECT_EQ(c.filter.max_path_tokens, 800);
  EXPECT_EQ(c.filter.max_paths, 5);
  EXPECT_EQ(c.filter.match, "typed");
  EXPECT_FALSE(c.filter.self_judge);
  EXPECT_EQ(c.rewrite.prefix, "Let's think step by step.\n\n");
  EXPECT_FALSE(c.exporting.strip_braces);
  EXPECT_EQ(c.backend.type, "embedded");
  // Relative paths resolve against the config file's directory.
  EXPECT_EQ(c.run.dir, (dir.path() / "run").lexically_normal().string());
  EXPECT_EQ(c.store_file(), dir.path() / "run" / "run.db");
}

TEST(RunConfig, ValuesAndRoundTripThroughTheStoredJson) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", R"(seed = 11
[model]
path = "models/tiny"
threads = 2
[data]
questions = "/abs/q.jsonl"
limit = 4
[synthesis]
temperature = 1
stop = []
chat_template = "paper-mistral"
[rewrite]
drop_first_paragraph_steps = true
step_marker = "substring"
[export]
out = "/tmp/x.jsonl"
)");
  RunConfig c = RunConfig::from_toml_file(dir / "run.toml");
  EXPECT_EQ(c.seed, 11u);
  EXPECT_EQ(c.model.path, (dir.path() / "models/tiny").string());
  EXPECT_EQ(c.data.questions, "/abs/q.jsonl");
  EXPECT_DOUBLE_EQ(c.synthesis.sampling.temperature, 1.0);  // an integer is a valid number
  EXPECT_TRUE(c.synthesis.sampling.stop.empty());
  EXPECT_EQ(c.export_file(), "/tmp/x.jsonl");
  RunConfig back = RunConfig::from_json(Json::parse(c.to_json().dump()), "stored", "/");
  EXPECT_EQ(back.to_json(), c.to_json());
}

TEST(RunConfig, UnknownKeysAndWrongTypesNameTheKeyAndLine) {
  EXPECT_EQ(error_of("[synthesis]\nselections = 3\ntemprature = 0.7\n").substr(0, 60),
            "run.toml:3: synthesis.temprature: unknown key (known keys he");
  EXPECT_EQ(error_of("[synthesis]\nselections = \"three\"\n"),
            "run.toml:2: synthesis.selections: must be an integer, got string \"three\"");
  EXPECT_EQ(error_of("[filter]\nmatch = \"fuzzy\"\n"),
            "run.toml:2: filter.match: \"fuzzy\" is not one of \"paper\", \"typed\"");
  EXPECT_EQ(error_of("[backend]\ntype = \"vllm\"\n"),
            "run.toml:2: backend.type: \"vllm\" is not one of \"embedded\", \"openai\"");
  EXPECT_EQ(error_of("[modle]\npath = \"x\"\n").substr(0, 30), "run.toml:1: modle: unknown key");
  EXPECT_EQ(error_of("synthesis = 3\n"), "run.toml:1: synthesis: must be a table, got number");
  EXPECT_EQ(error_of("[synthesis]\nselections = -2\n"),
            "run.toml:2: synthesis.selections: must be at least 0");
  EXPECT_EQ(error_of("[synthesis]\ntop_p = 1.5\n"), "run.toml:2: synthesis.top_p: must be in (0, 1]");
  EXPECT_EQ(error_of("[export]\nprompt = \"no placeholder\"\n"),
            "run.toml:2: export.prompt: must contain {question}");
  EXPECT_EQ(error_of("[synthesis]\nstop = [1]\n"),
            "run.toml:2: synthesis.stop: must be a list of strings, got array [1]");
  EXPECT_EQ(error_of("[synthesis\n").substr(0, 24), "run.toml:1: invalid TOML");
  EXPECT_NE(error_of("when = 1979-05-27\n").find("dates and times"), std::string::npos);
}

TEST(RunConfig, GenerationIdentityCoversWhatChangesTheText) {
  RunConfig a;
  a.model.path = "/m";
  RunConfig b = a;
  b.filter.max_paths = 3;        // filter settings do not change generated text
  b.model.threads = 7;           // neither do threads
  b.synthesis.chunk_questions = 1;
  EXPECT_TRUE(identity_differences(a.generation_identity("p"), b.generation_identity("p")).empty());
  b.synthesis.sampling.temperature = 0.7;
  b.model.path = "/other";
  auto diffs = identity_differences(a.generation_identity("p"), b.generation_identity("q"));
  ASSERT_EQ(diffs.size(), 3u);
  EXPECT_EQ(diffs[0], "model.path: \"/m\" -> \"/other\"");
  EXPECT_EQ(diffs[1], "synthesis.prompts: \"p\" -> \"q\"");
  EXPECT_EQ(diffs[2], "synthesis.temperature: 1.2 -> 0.7");
}

// Values that do not fit the field, or are not finite, are errors rather than silently changed
// (4294967297 used to become 1; nan used to pass the range check and break the stored JSON).
TEST(RunConfig, OutOfRangeIntegersAndNonFiniteNumbersAreErrors) {
  EXPECT_EQ(error_of("[synthesis]\nmax_tokens = 4294967297\n"),
            "run.toml:2: synthesis.max_tokens: must be at most 2147483647");
  EXPECT_EQ(error_of("[synthesis]\ntop_p = nan\n"), "run.toml:2: synthesis.top_p: must be a finite number");
  EXPECT_EQ(error_of("[rescue]\ntemperature = inf\n"),
            "run.toml:2: rescue.temperature: must be a finite number");
  EXPECT_EQ(error_of("[data]\nlimit = -1\n"), "run.toml:2: data.limit: must be at least 0");
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", "seed = 9223372036854775807\n[synthesis]\nmax_tokens = 2147483647\n");
  RunConfig c = RunConfig::from_toml_file(dir / "run.toml");
  EXPECT_EQ(c.seed, 9223372036854775807ull);
  EXPECT_EQ(c.synthesis.sampling.max_tokens, 2147483647);
}

constexpr const char* kOpenAIBackend = R"([backend]
type = "openai"
api_mode = "chat"
api_key_env = "MY_KEY"
max_concurrency_per_endpoint = 4
timeout_s = 30
max_retries = 2
retry_backoff_s = 0.25

[[backend.endpoints]]
url = "http://10.0.0.1:8000/v1"
model = "smol"

[[backend.endpoints]]
url = "https://gpu2.example/v1"
model = "smol"
max_concurrency = 64
)";

TEST(RunConfig, OpenAIBackendReadsEndpointsAndRoundTrips) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", kOpenAIBackend);
  RunConfig c = RunConfig::from_toml_file(dir / "run.toml");
  EXPECT_EQ(c.backend.type, "openai");
  ASSERT_EQ(c.backend.endpoints.size(), 2u);
  EXPECT_EQ(c.backend.endpoints[0].url, "http://10.0.0.1:8000/v1");
  EXPECT_EQ(c.backend.endpoints[0].max_concurrency, 0);
  EXPECT_EQ(c.backend.endpoints[1].max_concurrency, 64);
  EXPECT_EQ(c.backend.api_mode, "chat");
  EXPECT_EQ(c.backend.api_key_env, "MY_KEY");
  EXPECT_EQ(c.backend.max_retries, 2);
  EXPECT_DOUBLE_EQ(c.backend.retry_backoff_s, 0.25);
  RunConfig back = RunConfig::from_json(Json::parse(c.to_json().dump()), "stored", dir.path());
  EXPECT_EQ(back.to_json().dump(), c.to_json().dump());
}

TEST(RunConfig, OpenAIBackendErrorsNameTheEndpointField) {
  EXPECT_EQ(error_of("[backend]\ntype = \"openai\"\n"),
            "run.toml: backend.endpoints: type = \"openai\" needs at least one [[backend.endpoints]] with url and model");
  EXPECT_EQ(error_of("[backend]\ntype = \"openai\"\n[[backend.endpoints]]\nurl = \"10.0.0.1:8000\"\nmodel = \"m\"\n"),
            "run.toml:4: backend.endpoints[0].url: \"10.0.0.1:8000\" must start with http:// or https://");
  EXPECT_EQ(error_of("[backend]\ntype = \"openai\"\n[[backend.endpoints]]\nurl = \"http://h/v1\"\n"),
            "run.toml: backend.endpoints[0].model: is required (the model name the server serves)");
  EXPECT_EQ(error_of("[backend]\ntype = \"openai\"\n[[backend.endpoints]]\nurl = \"http://h/v1\"\nmodel = \"m\"\nmax_conc = 3\n").substr(0, 59),
            "run.toml:6: backend.endpoints[0].max_conc: unknown key (kno");
  EXPECT_EQ(error_of("[[backend.endpoints]]\nurl = \"http://h/v1\"\nmodel = \"m\"\n"),
            "run.toml:1: backend.endpoints: only used with type = \"openai\" (the embedded backend runs model.path)");
  EXPECT_EQ(error_of("[backend]\ntimeout_s = 0\n"), "run.toml:2: backend.timeout_s: must be positive");
}

// What the servers run decides the text; where they are does not.
TEST(RunConfig, OpenAIIdentityHasTheServedModelsNotTheURLs) {
  test::TempDir dir;
  write_file_atomic(dir / "run.toml", kOpenAIBackend);
  RunConfig a = RunConfig::from_toml_file(dir / "run.toml");
  RunConfig b = a;
  b.backend.endpoints.pop_back();
  b.backend.endpoints[0].url = "http://elsewhere:1/v1";
  b.backend.max_retries = 9;
  EXPECT_TRUE(identity_differences(a.generation_identity("p"), b.generation_identity("p")).empty());
  b.backend.endpoints[0].model = "smol-v2";
  auto diffs = identity_differences(a.generation_identity("p"), b.generation_identity("p"));
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0], "backend.models: [\"smol\"] -> [\"smol-v2\"]");
  RunConfig embedded;
  EXPECT_EQ(embedded.generation_identity("p")["backend"].dump(), "{\"type\":\"embedded\"}");
}

}  // namespace
}  // namespace regenesis
