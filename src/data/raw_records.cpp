// One converter per raw benchmark layout (see raw_formats.h), mirroring convert.py.
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <regex>

#include "data/raw_formats.h"
#include "text/answer.h"
#include "util/error.h"
#include "util/strings.h"

namespace regenesis {
namespace {

using Json = nlohmann::json;

const Json& field(const Json& record, const char* name) {
  if (!record.is_object()) fail("expected a JSON object, got ", record.type_name());
  auto it = record.find(name);
  if (it == record.end() || it->is_null()) fail("field '", name, "' is missing");
  return *it;
}

std::string text_field(const Json& record, const char* name) {
  const Json& v = field(record, name);
  if (!v.is_string()) fail("field '", name, "' must be a string, got ", v.type_name());
  return v.get<std::string>();
}

// The first of several spellings that is present ("Body" or "body").
std::string text_field_any(const Json& record, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (record.contains(name) && !record[name].is_null()) return text_field(record, name);
  fail("field '", *names.begin(), "' is missing");
}

void copy_if_present(const Json& record, Question& q, const char* from, const char* to) {
  if (record.contains(from) && !record[from].is_null()) q.extra[to] = record[from];
}

std::string format_double(double v) {
  if (std::fabs(v) < 1e15 && v == std::floor(v)) return std::to_string(static_cast<long long>(v));
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, result.ptr);
}

// 145.0 -> "145", "1,234" -> "1234", 0.5 -> "0.5" (convert.py's num()); nullopt if not a number.
std::optional<std::string> number_text(const Json& v) {
  if (v.is_number()) return format_double(v.get<double>());
  if (!v.is_string()) return std::nullopt;
  std::string s = trim(replace_all(v.get<std::string>(), ",", ""));
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  return format_double(d);
}

std::vector<std::string> lettered(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (size_t k = 0; k < texts.size(); ++k) {
    std::string choice = "(";
    choice += static_cast<char>('A' + k);
    choice += ") ";
    choice += texts[k];
    out.push_back(std::move(choice));
  }
  return out;
}

Question base(std::string question, std::string answer, AnswerType type) {
  Question q;
  q.question = std::move(question);
  q.answer = std::move(answer);
  q.answer_type = type;
  return q;
}

Question gsm8k(const Json& r) {
  std::string solution = text_field(r, "answer");
  size_t marker = solution.rfind("####");
  if (marker == std::string::npos) fail("field 'answer' has no '####' final answer");
  Question q = base(text_field(r, "question"), replace_all(trim(solution.substr(marker + 4)), ",", ""), AnswerType::Number);
  q.rationale = solution;
  return q;
}

Question math(const Json& r) {
  std::string solution = text_field(r, "solution");
  std::string answer = r.contains("answer") && r["answer"].is_string() ? r["answer"].get<std::string>() : "";
  if (trim(answer).empty()) {
    auto boxed = last_boxed_content(solution);
    if (!boxed || trim(*boxed).empty()) fail("field 'solution' has no \\boxed{} answer and there is no 'answer'");
    answer = *boxed;
  }
  Question q = base(text_field(r, "problem"), answer, AnswerType::Math);
  q.rationale = solution;
  copy_if_present(r, q, "type", "subject");
  copy_if_present(r, q, "subject", "subject");
  copy_if_present(r, q, "level", "level");
  copy_if_present(r, q, "unique_id", "unique_id");
  return q;
}

Question ai2_choice(const Json& r) {
  const Json& question = field(r, "question");
  std::string stem = text_field(question, "stem");
  const Json& options = field(question, "choices");
  if (!options.is_array() || options.empty()) fail("field 'question.choices' must be a non-empty list");
  std::vector<std::string> texts, labels;
  for (const auto& option : options) {
    texts.push_back(text_field(option, "text"));
    labels.push_back(text_field(option, "label"));
  }
  std::string key = text_field(r, "answerKey");
  auto it = std::find(labels.begin(), labels.end(), key);
  if (it == labels.end()) fail("field 'answerKey' (\"", key, "\") is not one of the choice labels");
  Question q = base(stem, std::string(1, static_cast<char>('A' + (it - labels.begin()))), AnswerType::Choice);
  q.choices = lettered(texts);
  copy_if_present(r, q, "id", "orig_id");
  bool standard = true;
  for (size_t k = 0; k < labels.size(); ++k) standard = standard && labels[k] == std::string(1, static_cast<char>('A' + k));
  if (!standard) q.extra["orig_labels"] = labels;
  return q;
}

Question strategyqa(const Json& r) {
  if (r.contains("target_scores")) {  // BIG-bench task.json example
    const Json& scores = field(r, "target_scores");
    bool yes = scores.value("Yes", 0) == 1;
    Question q = base(text_field(r, "input"), yes ? "yes" : "no", AnswerType::YesNo);
    if (r.contains("target") && r["target"].is_string()) {
      static const std::regex kLead(R"(^(Yes|No)\.\s*)");
      q.rationale = std::regex_replace(r["target"].get<std::string>(), kLead, "");
    }
    return q;
  }
  const Json& answer = field(r, "answer");
  std::string value;
  if (answer.is_boolean()) value = answer.get<bool>() ? "yes" : "no";
  else if (answer.is_string()) {
    std::string a = to_lower_ascii(trim(answer.get<std::string>()));
    if (a == "yes" || a == "true") value = "yes";
    else if (a == "no" || a == "false") value = "no";
  }
  if (value.empty()) fail("field 'answer' must be true/false or yes/no");
  Question q = base(text_field(r, "question"), value, AnswerType::YesNo);
  if (r.contains("facts") && r["facts"].is_array()) {
    std::vector<std::string> facts;
    for (const auto& f : r["facts"])
      if (f.is_string()) facts.push_back(f.get<std::string>());
    q.rationale = join(facts, " ");
  }
  copy_if_present(r, q, "qid", "orig_id");
  copy_if_present(r, q, "decomposition", "decomposition");
  return q;
}

Question numglue(const Json& r) {
  Json answer = field(r, "answer");
  if (answer.is_object()) {  // DROP-style (type 5): a number, else a date, else spans
    if (answer.contains("number") && !trim(answer["number"].is_string() ? answer["number"].get<std::string>() : answer["number"].dump()).empty()) {
      answer = answer["number"];
    } else {
      std::vector<std::string> parts;
      const Json date = answer.value("date", Json::object());
      for (const char* k : {"day", "month", "year"})
        if (date.contains(k)) {
          std::string part = trim(date[k].is_string() ? date[k].get<std::string>() : date[k].dump());
          if (!part.empty()) parts.push_back(part);
        }
      bool from_date = !parts.empty();
      if (!from_date && answer.contains("spans"))
        for (const auto& s : answer["spans"]) parts.push_back(s.is_string() ? s.get<std::string>() : s.dump());
      answer = join(parts, from_date ? " " : ", ");
    }
  }
  std::string raw = answer.is_string() ? trim(answer.get<std::string>()) : answer.dump();
  auto number = number_text(answer);
  std::string question = trim(text_field(r, "question"));
  bool has_passage = r.contains("passage") && r["passage"].is_string();
  if (has_passage) question = trim(r["passage"].get<std::string>()) + "\n" + question;
  Question q = base(question, number ? *number : raw, number ? AnswerType::Number : AnswerType::Text);
  if (raw.empty()) fail("field 'answer' is empty");
  copy_if_present(r, q, "type", "numglue_type");
  return q;
}

Question reclor(const Json& r) {
  const Json& answers = field(r, "answers");
  if (!answers.is_array() || answers.empty()) fail("field 'answers' must be a non-empty list");
  std::vector<std::string> texts;
  for (const auto& a : answers) texts.push_back(trim(a.get<std::string>()));
  const Json& label = field(r, "label");
  if (!label.is_number_integer() || label.get<long>() < 0 || label.get<size_t>() >= texts.size())
    fail("field 'label' must be an index into 'answers'");
  std::string context = text_field(r, "context"), stem = text_field(r, "question");
  Question q = base(trim(context) + "\n\n" + trim(stem), std::string(1, static_cast<char>('A' + label.get<int>())),
                    AnswerType::Choice);
  q.choices = lettered(texts);
  q.extra["context"] = context;
  q.extra["question_stem"] = stem;
  copy_if_present(r, q, "id_string", "orig_id");
  return q;
}

Question svamp(const Json& r) {
  auto number = number_text(field(r, "Answer"));
  if (!number) fail("field 'Answer' is not a number");
  std::string question = trim(trim(text_field(r, "Body")) + " " + trim(text_field(r, "Question")));
  Question q = base(question, *number, AnswerType::Number);
  copy_if_present(r, q, "Equation", "equation");
  copy_if_present(r, q, "Type", "svamp_type");
  copy_if_present(r, q, "ID", "orig_id");
  return q;
}

Question asdiv(const Json& r) {
  std::string body = text_field_any(r, {"body", "Body"}), stem = text_field_any(r, {"question", "Question"});
  std::string original = text_field_any(r, {"answer", "Answer"});
  static const std::regex kUnit(R"(\s*\(.*\)\s*$)");
  std::string answer = trim(std::regex_replace(original, kUnit, ""));
  auto number = number_text(Json(answer));
  Question q = base(trim(trim(body) + " " + trim(stem)), number ? *number : answer,
                    number ? AnswerType::Number : AnswerType::Text);
  q.extra["original_answer"] = original;
  copy_if_present(r, q, "formula", "formula");
  copy_if_present(r, q, "Formula", "formula");
  return q;
}

Question aqua(const Json& r) {
  const Json& options = field(r, "options");
  if (!options.is_array() || options.empty()) fail("field 'options' must be a non-empty list");
  static const std::regex kLabel(R"(^\s*([A-Z])\s*\)\s*)");
  std::vector<std::string> choices;
  for (const auto& o : options) {
    if (!o.is_string()) fail("field 'options' must hold strings");
    std::string text = o.get<std::string>();
    std::smatch m;
    if (!std::regex_search(text, m, kLabel)) fail("option \"", text, "\" does not start with a letter and ')'");
    std::string choice = "(";
    choice += m[1].str();
    choice += ") ";
    choice += text.substr(m.length(0));
    choices.push_back(std::move(choice));
  }
  std::string correct = trim(text_field(r, "correct"));
  Question q = base(text_field(r, "question"), correct, AnswerType::Choice);
  q.choices = choices;
  if (r.contains("rationale") && r["rationale"].is_string()) q.rationale = r["rationale"].get<std::string>();
  return q;
}

Question bbh(const Json& r) {
  std::string input = text_field(r, "input"), target = trim(text_field(r, "target"));
  static const std::regex kOption(R"(^\([A-Z]\) .*$)");
  std::vector<std::string> choices;
  for (const auto& line : split(input, '\n')) {
    std::string l = line;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (std::regex_match(l, kOption)) choices.push_back(l);
  }
  static const std::regex kTarget(R"(^\(([A-Z])\)$)");
  std::smatch m;
  Question q;
  if (!choices.empty() && std::regex_match(target, m, kTarget)) {
    q = base(input, m[1].str(), AnswerType::Choice);
    q.choices = choices;
  } else {
    q = base(input, target, AnswerType::Text);
  }
  q.extra["target"] = target;
  return q;
}

Question anli(const Json& r) {
  static const std::vector<std::string> kLabels = {"entailment", "neutral", "contradiction"};
  const Json& label = field(r, "label");
  int index = -1;
  if (label.is_number_integer()) index = label.get<int>();
  else if (label.is_string()) {
    std::string l = to_lower_ascii(trim(label.get<std::string>()));
    for (int k = 0; k < 3; ++k)
      if (l == kLabels[k] || l == kLabels[k].substr(0, 1)) index = k;
  }
  if (index < 0 || index > 2) fail("field 'label' must be entailment/neutral/contradiction (or e/n/c, 0/1/2)");
  std::string premise = text_field(r, "premise"), hypothesis = text_field(r, "hypothesis");
  Question q = base("Premise: " + premise + "\nHypothesis: " + hypothesis +
                        "\nDoes the premise entail the hypothesis, contradict it, or neither?",
                    std::string(1, static_cast<char>('A' + index)), AnswerType::Choice);
  q.choices = lettered(kLabels);
  if (r.contains("reason") && r["reason"].is_string() && !trim(r["reason"].get<std::string>()).empty())
    q.rationale = r["reason"].get<std::string>();
  q.extra["premise"] = premise;
  q.extra["hypothesis"] = hypothesis;
  q.extra["label"] = kLabels[index];
  copy_if_present(r, q, "uid", "orig_id");
  return q;
}

using Converter = Question (*)(const Json&);
const std::map<std::string, Converter, std::less<>>& converters() {
  static const std::map<std::string, Converter, std::less<>> table = {
      {"gsm8k", gsm8k}, {"math", math},       {"arc", ai2_choice}, {"openbookqa", ai2_choice},
      {"strategyqa", strategyqa}, {"numglue", numglue}, {"reclor", reclor}, {"svamp", svamp},
      {"asdiv", asdiv}, {"aqua", aqua}, {"bbh", bbh},  {"anli", anli}};
  return table;
}

}  // namespace

const std::vector<std::string>& raw_format_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, _] : converters()) out.push_back(name);
    return out;
  }();
  return names;
}

Question convert_raw_record(const nlohmann::json& record, std::string_view format, const RawOptions& options,
                            size_t index) {
  auto it = converters().find(format);
  if (it == converters().end())
    fail("unknown raw format '", format, "' (known: ", join(raw_format_names(), ", "), ")");
  Question q = it->second(record);
  q.task = options.task.empty() ? std::string(format) : options.task;
  q.id = q.task + "-" + options.split + "-" + std::to_string(index);
  // the same checks as a schema file gets (a choice answer names a choice, numbers are numbers)
  return question_from_json(question_to_json(q));
}

}  // namespace regenesis
