#include "data/toy_problem.h"

#include "text/answer.h"
#include "util/error.h"

namespace regenesis {

const char* toy_injection_name(ToyInjection kind) {
  switch (kind) {
    case ToyInjection::None: return "none";
    case ToyInjection::WrongStep: return "wrong_step";
    case ToyInjection::SkippedStep: return "skipped_step";
  }
  return "none";
}

std::string render_toy_solution(const ToyWorked& worked) {
  std::string text = "Let's think step by step.";
  for (size_t i = 0; i < worked.steps.size(); ++i)
    text += "\n\n" + std::to_string(i + 1) + ". " + worked.steps[i];
  text += "\n\nThe answer is \\boxed{" + worked.final_answer + "}.";
  return text;
}

std::string gold_toy_solution(const ToyProblem& problem) {
  auto worked = problem.work(ToyPerturbation{});
  if (!worked) fail("internal: toy problem ", problem.question.id, " has no clean solution");
  return render_toy_solution(*worked);
}

std::optional<ToyWorked> inject_toy_error(const ToyProblem& problem, ToyInjection kind, ToyRng& rng,
                                          bool habit) {
  if (kind == ToyInjection::None) return problem.work(ToyPerturbation{ToyInjection::None, -1, 0, habit});
  const Question& q = problem.question;
  std::vector<int> steps(static_cast<size_t>(problem.step_count));
  for (int i = 0; i < problem.step_count; ++i) steps[static_cast<size_t>(i)] = i;
  rng.shuffle(steps);
  // Small slips first: a tiny model's arithmetic errors are mostly off by a little.
  std::vector<long> deltas = {0};
  if (kind == ToyInjection::WrongStep) {
    deltas.clear();
    std::vector<long> magnitudes = {1, 2, 3, 4, 5, 6, 8, 10, 12};
    for (size_t i = 0; i < magnitudes.size(); i += 3) {  // shuffle within bands of three
      std::vector<long> band;
      for (size_t j = i; j < i + 3 && j < magnitudes.size(); ++j) {
        band.push_back(magnitudes[j]);
        band.push_back(-magnitudes[j]);
      }
      rng.shuffle(band);
      deltas.insert(deltas.end(), band.begin(), band.end());
    }
  }
  for (long delta : deltas) {
    for (int step : steps) {
      auto worked = problem.work(ToyPerturbation{kind, step, delta, habit});
      if (!worked || worked->steps.empty()) continue;
      if (!answers_match(worked->final_answer, q.answer, q.answer_type, q.choices)) return worked;
    }
  }
  return std::nullopt;
}

std::string num(long value) { return std::to_string(value); }

std::string dollars(long cents) {
  std::string sign = cents < 0 ? "-" : "";
  long abs_cents = cents < 0 ? -cents : cents;
  std::string whole = std::to_string(abs_cents / 100);
  long rest = abs_cents % 100;
  if (rest == 0) return sign + whole;
  return sign + whole + "." + (rest < 10 ? "0" : "") + std::to_string(rest);
}

}  // namespace regenesis
