#pragma once
// Readers for the layouts benchmarks are published in, converted to the common schema the way
// /work/shared/data/convert.py does it, so a user can bring an original file directly.
//
//   format      one raw record                                       -> answer_type
//   gsm8k       {"question", "answer": "... #### 1,234"}                 number (text after ####)
//   math        {"problem", "solution", ["answer"], ["level","type"]}    math (answer, else last \boxed{})
//   arc         {"id", "question": {"stem", "choices": [{"text","label"}]}, "answerKey"}  choice
//   openbookqa  same layout as arc                                       choice
//   strategyqa  {"question", "answer": true|false, ["facts"]} or BIG-bench {"input", "target_scores"}  yesno
//   numglue     {"question", "answer": 5 | "June" | {"number"|"date"|"spans"}, ["passage"]}  number or text
//   reclor      {"context", "question", "answers": [4], "label": 0-3, ["id_string"]}  choice
//   svamp       {"Body", "Question", "Answer", ["Equation","ID","Type"]}  number
//   asdiv       {"body"|"Body", "question"|"Question", "answer": "9 (apples)"}  number or text
//   aqua        {"question", "options": ["A)5", ...], "correct": "A", ["rationale"]}  choice
//   bbh         {"input" (options "(A) ..." on their own lines), "target": "(A)"}  choice (text if not a letter)
//   anli        {"premise", "hypothesis", "label": entailment|neutral|contradiction|e|n|c|0|1|2}  choice
//
// A file may be JSONL, a JSON array of records, or an object holding the array under "examples"
// (BIG-bench, BBH) or "data".
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "data/question.h"

namespace regenesis {

const std::vector<std::string>& raw_format_names();

struct RawOptions {
  std::string task;            // default: the format name ("bbh_" + file stem for bbh)
  std::string split = "test";  // ids are "<task>-<split>-<n>", n counting from 0
};

// One record; `index` is its row number for the id. Errors name the missing or bad field.
Question convert_raw_record(const nlohmann::json& record, std::string_view format, const RawOptions& options,
                            size_t index);

// A whole file; errors are "file:line: ..." (JSONL) or "file: record N: ...".
std::vector<Question> read_raw_questions(const std::filesystem::path& file, std::string_view format,
                                         RawOptions options = {});

}  // namespace regenesis
