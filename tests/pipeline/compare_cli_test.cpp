// `regenesis compare` over runs of two methods (made here through the scripted Generator) and
// evaluations made by `regenesis grade`: the data table against counts taken from the stores
// and exports directly, accuracies and differences against the untrained model with McNemar p
// values computed here from the binomial distribution, and a real PNG chart (decoded with cairo).
#include <gtest/gtest.h>

#include <cairo.h>

#include <cmath>
#include <set>

#include "method_test_support.h"

namespace regenesis {
namespace {

using test::ScriptedGenerator;

// Exact two-sided McNemar p: min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2).
double mcnemar(int b, int c) {
  int n = b + c, k = std::min(b, c);
  if (n == 0) return 1.0;
  double sum = 0;
  for (int i = 0; i <= k; ++i) sum += std::tgamma(n + 1) / (std::tgamma(i + 1) * std::tgamma(n - i + 1));
  return std::min(1.0, 2.0 * sum / std::pow(2.0, n));
}

// A graded evaluation: questions "in" i0..i9 (in-domain) and "ood" o0..o5; `right_in` and
// `right_ood` are how many of each (the first ones) the model answers correctly.
std::filesystem::path graded_eval(const test::TempDir& dir, const std::string& label, int right_in, int right_ood) {
  auto bench = [&](const std::string& name, int n, int first_answer) {
    std::string jsonl;
    for (int i = 0; i < n; ++i)
      jsonl += "{\"id\": \"" + name.substr(0, 1) + std::to_string(i) + "\", \"question\": \"q\", \"answer\": \"" +
               std::to_string(first_answer + i) + "\", \"answer_type\": \"number\"}\n";
    write_file_atomic(dir / (name + ".jsonl"), jsonl);
  };
  bench("in", 10, 1);
  bench("ood", 6, 11);
  std::string predictions;
  for (int i = 0; i < 10; ++i)
    predictions += "{\"bench\": \"in\", \"id\": \"i" + std::to_string(i) + "\", \"completion\": \"\\\\boxed{" +
                   (i < right_in ? std::to_string(1 + i) : std::string("999")) + "}\"}\n";
  for (int i = 0; i < 6; ++i)
    predictions += "{\"bench\": \"ood\", \"id\": \"o" + std::to_string(i) + "\", \"completion\": \"\\\\boxed{" +
                   (i < right_ood ? std::to_string(11 + i) : std::string("999")) + "}\"}\n";
  write_file_atomic(dir / (label + ".jsonl"), predictions);
  auto out = dir / ("eval-" + label);
  auto r = test::run_regenesis({"grade", "--bench", "in=" + (dir / "in.jsonl").string(), "--bench",
                                "ood=" + (dir / "ood.jsonl").string(), "--in-domain", "in", "--out-of-domain", "ood",
                                "--predictions", (dir / (label + ".jsonl")).string(), "--out", out.string(),
                                "--label", label});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

struct MadeRun {
  int64_t rows = 0, generated_tokens = 0, questions_with_data = 0;
};

// A finished run of `method` over two questions whose generator answers q1 right and q2 wrong.
MadeRun make_run(const test::TempDir& dir, const std::string& method) {
  RunConfig config = RunConfig::defaults_for(method);
  config.synthesis.paths = 3;
  config.filter.max_path_tokens = 0;
  auto g = std::make_unique<ScriptedGenerator>();
  g->on("Hint: the correct final answer", "Five boxes: 6 * 5 = \\boxed{30}");  // STaR's rationalization
  g->on("Tom has 3 apples", [](const GenerationRequest& r) { return "Path " + r.id + ": 3 + 4 = \\boxed{7}"; });
  g->on("6 eggs", "\\boxed{11}");
  auto h = test::make_session(dir, config, test::two_questions(), std::move(g));
  h.session->synthesize();
  h.session->filter("main");
  h.session->rescue();
  auto options = h.session->export_options();
  MadeRun made;
  made.rows = h.session->export_data(options).rows;
  for (const auto& q : test::two_questions())
    for (const auto& [key, output] : h.session->store().outputs_for(q.id, "main"))
      made.generated_tokens += output.completion_tokens;
  for (const auto& q : test::two_questions())
    for (const auto& [key, output] : h.session->store().outputs_for(q.id, "hint"))
      made.generated_tokens += output.completion_tokens;
  std::set<std::string> ids;
  for (const auto& row : test::read_rows(options.out)) ids.insert(row["meta"]["question_id"]);
  made.questions_with_data = static_cast<int64_t>(ids.size());
  return made;
}

// Pixels of a PNG that differ from its top-left (background) pixel.
int64_t foreground_pixels(const std::filesystem::path& png, int& width, int& height) {
  cairo_surface_t* surface = cairo_image_surface_create_from_png(png.c_str());
  EXPECT_EQ(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width(surface);
  height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  uint32_t background = *reinterpret_cast<const uint32_t*>(data);
  int64_t n = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      n += *reinterpret_cast<const uint32_t*>(data + y * stride + 4 * x) != background;
  cairo_surface_destroy(surface);
  return n;
}

TEST(CompareCommand, MethodsSideBySideWithPairedTestsAgainstTheUntrainedModel) {
  test::TempDir star_dir, lmsi_dir, evals, out;
  MadeRun star = make_run(star_dir, "star");
  MadeRun lmsi = make_run(lmsi_dir, "lmsi");
  auto base = graded_eval(evals, "base", 3, 3);
  auto star_eval = graded_eval(evals, "star", 6, 1);
  auto lmsi_eval = graded_eval(evals, "lmsi", 4, 4);

  auto r = test::run_regenesis({"compare", star_dir.path().string(), lmsi_dir.path().string(), "--eval",
                                star_dir.path().string() + "=" + star_eval.string(), "--eval",
                                lmsi_dir.path().string() + "=" + lmsi_eval.string(), "--eval-base", base.string(),
                                "--out", out.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json report = Json::parse(read_file(out / "compare.json"));
  ASSERT_EQ(report["runs"].size(), 2u);
  const Json& s = report["runs"][0];
  const Json& l = report["runs"][1];
  EXPECT_EQ(s["label"], "STaR");
  EXPECT_EQ(l["label"], "LMSI");
  EXPECT_EQ(s["questions"], 2);
  EXPECT_EQ(s["training_rows"], star.rows);
  EXPECT_EQ(s["generated_tokens"], star.generated_tokens);
  EXPECT_EQ(s["questions_with_data"], star.questions_with_data);
  EXPECT_DOUBLE_EQ(s["rows_per_question"].get<double>(), star.rows / 2.0);
  EXPECT_DOUBLE_EQ(s["tokens_per_training_row"].get<double>(), double(star.generated_tokens) / star.rows);
  EXPECT_EQ(l["training_rows"], lmsi.rows);
  EXPECT_EQ(l["generated_tokens"], lmsi.generated_tokens);
  // LMSI keeps q2's wrong majority too: data for both questions, majority right for one.
  EXPECT_EQ(l["questions_with_data"], 2);
  EXPECT_EQ(l["pseudo_labels"]["questions"], 2);
  EXPECT_EQ(l["pseudo_labels"]["majority_correct"], 1);
  EXPECT_EQ(s["questions_with_data"], 2);  // q2 rationalized with its hint

  EXPECT_DOUBLE_EQ(s["eval"]["accuracy"]["in"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(report["untrained"]["accuracy"]["ood"].get<double>(), 0.5);
  const Json& vs = s["vs_untrained"];
  std::map<std::string, Json> rows;
  for (const auto& row : vs["benchmarks"]) rows[row["name"]] = row;
  ASSERT_TRUE(rows.count("in") && rows.count("ood")) << vs.dump();
  EXPECT_NEAR(rows["in"]["mcnemar_exact_p"].get<double>(), mcnemar(0, 3), 1e-12);   // 3 newly right
  EXPECT_NEAR(rows["ood"]["mcnemar_exact_p"].get<double>(), mcnemar(2, 0), 1e-12);  // 2 newly wrong
  EXPECT_NEAR(mcnemar(0, 3), 0.25, 1e-12);

  std::string md = read_file(out / "compare.md");
  EXPECT_NE(md.find("| STaR | " + std::filesystem::absolute(star_dir.path()).lexically_normal().string()), std::string::npos) << md;
  EXPECT_NE(md.find("| in | in-domain | 30.0 | 60.0 | +30.0 | 0.2500 | 40.0 | +10.0 | 1.0000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| ood | out-of-domain | 50.0 | 16.7 | -33.3 | 0.5000 | 66.7 | +16.7 | 1.0000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| **average** | in-domain | 30.0 | 60.0 | +30.0 | | 40.0 | +10.0 | |"), std::string::npos) << md;
  EXPECT_NE(md.find("majority answer equals the gold answer for 1 of 2 questions"), std::string::npos) << md;

  std::string png = read_file(out / "compare.png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  int width = 0, height = 0;
  int64_t drawn = foreground_pixels(out / "compare.png", width, height);
  EXPECT_GT(width, 200);
  EXPECT_GT(height, 100);
  EXPECT_GT(drawn, int64_t(width) * height / 100) << "the chart is nearly empty";
  EXPECT_NE(read_file(out / "compare.svg").find("<svg"), std::string::npos);
}

TEST(CompareCommand, WithoutEvaluationsChartsTheDataAndRefusesUnknownEvalRuns) {
  test::TempDir rft_dir, task_dir, out;
  make_run(rft_dir, "rft");
  make_run(task_dir, "task_sd");
  auto r = test::run_regenesis({"compare", rft_dir.path().string(), task_dir.path().string(), "--out",
                                out.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("No evaluation results"), std::string::npos) << r.out;
  int width = 0, height = 0;
  EXPECT_GT(foreground_pixels(out / "compare.png", width, height), 0);
  Json report = Json::parse(read_file(out / "compare.json"));
  EXPECT_EQ(report["runs"][1]["label"], "task-level Self-Discover");
  EXPECT_TRUE(report["runs"][0]["eval"].is_null());

  auto bad = test::run_regenesis({"compare", rft_dir.path().string(), "--eval", "/nowhere=/x", "--out",
                                  out.path().string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("not among the runs compared"), std::string::npos) << bad.err;
  auto missing = test::run_regenesis({"compare", (out / "nothing").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no run store here"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace regenesis
