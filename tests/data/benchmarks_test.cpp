// The benchmark registry: names, splits, roles, and NAME / NAME:SPLIT / NAME=FILE resolution.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "data/benchmarks.h"
#include "test_support.h"
#include "util/error.h"

namespace regenesis {
namespace {

TEST(Benchmarks, RegistryHoldsThePaperSetsWithTheirRoles) {
  std::set<std::string> in_domain, out_of_domain;
  for (const auto& b : benchmark_registry()) {
    if (b.role == BenchmarkRole::InDomain) in_domain.insert(b.name);
    if (b.role == BenchmarkRole::OutOfDomain) out_of_domain.insert(b.name);
    EXPECT_TRUE(b.file(b.default_split).has_value()) << b.name;
  }
  EXPECT_EQ(in_domain, (std::set<std::string>{"gsm8k", "numglue", "arc_challenge", "reclor", "strategyqa"}));
  EXPECT_EQ(out_of_domain.size(), 11u);  // svamp, asdiv, aqua, openbookqa, anli + 6 BBH tasks
  EXPECT_TRUE(out_of_domain.count("bbh_logical_deduction_three_objects"));
  EXPECT_EQ(find_benchmark("math500")->role, BenchmarkRole::Extra);
  EXPECT_EQ(find_benchmark("strategyqa")->answer_type, AnswerType::YesNo);
  EXPECT_FALSE(find_benchmark("nope").has_value());
  EXPECT_STREQ(benchmark_role_name(BenchmarkRole::OutOfDomain), "out-of-domain");
}

TEST(Benchmarks, GroupsExpandInOrder) {
  auto names = expand_benchmarks({"gsm8k", "bbh", "x=y.jsonl"});
  ASSERT_EQ(names.size(), 8u);
  EXPECT_EQ(names.front(), "gsm8k");
  EXPECT_EQ(names[1], "bbh_logical_deduction_three_objects");
  EXPECT_EQ(names.back(), "x=y.jsonl");
  EXPECT_EQ(expand_benchmarks({"in_domain"}).size(), 5u);
}

TEST(Benchmarks, ResolvesNamesSplitsAndUserFiles) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "gsm8k");
  std::ofstream(dir / "gsm8k" / "test.jsonl") << "";
  std::ofstream(dir / "gsm8k" / "train.jsonl") << "";
  auto spec = resolve_benchmark("gsm8k", dir.path());
  EXPECT_EQ(spec.file, dir / "gsm8k/test.jsonl");
  EXPECT_EQ(spec.split, "test");
  ASSERT_TRUE(spec.known.has_value());
  EXPECT_EQ(spec.known->role, BenchmarkRole::InDomain);
  EXPECT_EQ(resolve_benchmark("gsm8k:train", dir.path()).file, dir / "gsm8k/train.jsonl");
  auto user = resolve_benchmark("mine=" + (dir / "gsm8k/test.jsonl").string(), "/nowhere");
  EXPECT_EQ(user.name, "mine");
  EXPECT_FALSE(user.known.has_value());
  auto message = [&](const std::string& s) {
    try {
      resolve_benchmark(s, dir.path());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("gsm9k").find("unknown benchmark 'gsm9k' (known: gsm8k,"), std::string::npos);
  EXPECT_NE(message("gsm8k:dev").find("no split 'dev' (splits: test, train)"), std::string::npos);
  EXPECT_NE(message("svamp").find("does not exist"), std::string::npos);
  EXPECT_NE(message("x=/no/such/file.jsonl").find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace regenesis
