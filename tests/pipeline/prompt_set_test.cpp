// The built-in prompt set against the strings of PAPER.md (sections 2.1, 2.3, 4, 5), byte for
// byte, and the template mechanics (one-pass filling, validation of user prompt sets).
#include <gtest/gtest.h>

#include "pipeline/prompt_set.h"
#include "test_support.h"
#include "util/error.h"
#include "util/files.h"

namespace regenesis {
namespace {

// PAPER.md section 2.1, in order.
const std::vector<std::string> kPaperGuidelines = {
    "How could I devise an experiment to help solve that problem?",
    "Make a list of ideas for solving this problem, and apply them one by one to the problem to see if any progress can be made.",
    "How could I measure progress on this problem?",
    "How can I simplify the problem so that it is easier to solve?",
    "How can I break down this problem into smaller, more manageable parts?",
    "Critical Thinking: This style involves analyzing the problem from different perspectives, questioning assumptions, and evaluating the evidence or information available. It focuses on logical reasoning, evidence-based decision-making, and identifying potential biases or flaws in thinking.",
    "Try creative thinking, generate innovative and out-of-the-box ideas to solve the problem. Explore unconventional solutions, thinking beyond traditional boundaries, and encouraging imagination and originality.",
    "Use systems thinking: Consider the problem as part of a larger system and understanding the interconnectedness of various elements. Focuses on identifying the underlying causes, feedback loops, and interdependencies that influence the problem, and developing holistic solutions that address the system as a whole.",
    "Use Reflective Thinking: Step back from the problem, take the time for introspection and self-reflection. Examine personal biases, assumptions, and mental models that may influence problem-solving, and being open to learning from past experiences to improve future approaches.",
    "What is the core issue or problem that needs to be addressed?",
    "What are the potential obstacles or challenges that might arise in solving this problem?",
    "Are there any relevant data or information that can provide insights into the problem? If yes, what data sources are available, and how can they be analyzed?",
    "How can progress or success in solving the problem be measured or evaluated?",
    "What indicators or metrics can be used?",
    "Is the problem a technical or practical one that requires a specific expertise or skill set? Or is it more of a conceptual or theoretical problem?",
    "Does the problem involve decision-making or planning, where choices need to be made under uncertainty or with competing objectives?",
    "Is the problem an analytical one that requires data analysis, modeling, or optimization techniques?",
    "Is the problem a design challenge that requires creative solutions and innovation?",
    "Does the problem require addressing systemic or structural issues rather than just individual instances?",
    "What kinds of solution typically are produced for this kind of problem specification?",
    "Let's think step by step.",
    "Let's make a step by step plan and implement it with good notation and explanation.",
    "Ignoring the current best solution, create an entirely new solution to the problem.",
    "Let\xE2\x80\x99s imagine the current best solution is totally wrong, what other ways are there to think about the problem specification?",
    "What is the best way to modify this current best solution, given what you know about these kinds of problem specification?",
};

TEST(PromptSet, BuiltinGuidelinesAreThePapersBytes) {
  PromptSet set = PromptSet::builtin();
  EXPECT_EQ(set.source, "built-in:regenesis");
  ASSERT_EQ(set.seed_guidelines.size(), 25u);
  EXPECT_EQ(set.seed_guidelines, kPaperGuidelines);
  // Items 20 and 21 use an ASCII apostrophe, item 23 U+2019.
  EXPECT_NE(set.seed_guidelines[20].find("Let's"), std::string::npos);
  EXPECT_NE(set.seed_guidelines[23].find("Let\xE2\x80\x99s"), std::string::npos);
  ASSERT_EQ(set.hint_guidelines.size(), 22u);
  EXPECT_EQ(set.hint_guidelines,
            std::vector<std::string>(kPaperGuidelines.begin(), kPaperGuidelines.begin() + 22));
}

TEST(PromptSet, BuiltinTemplatesFilledGiveThePaperPrompts) {
  PromptSet set = PromptSet::builtin();
  EXPECT_EQ(set.system, "You are a helpful, respectful and honest assistant.");
  std::string list = numbered_guidelines(set.seed_guidelines);
  EXPECT_EQ(fill_template(set.select, {{"question", "Q"}, {"guidelines_numbered", list}}),
            "Given the task: Q, which of the following reasoning modules are relevant?\n\n" + list +
                "\n\n Requirements: Do not elaborate on why. Only choose 2-3 reasoning modules. Do "
                "not solve this task.");
  EXPECT_EQ(fill_template(set.adapt, {{"question", "Q"}, {"selected", "SEL"}}),
            "Without working out the full solution, adapt the following general modules to be "
            "specific and concise to our task:\nSEL\n\nOur task:\nQ.\n\nNote: You will not work out "
            "the full solution and only adapt the general module to be specific in one or two "
            "sentences.");
  EXPECT_EQ(fill_template(set.implement, {{"question", "Q"}, {"adapted", "AD"}}),
            "Without working out the full solution, create an actionable and concise reasoning "
            "structure step by step for the task using the adapted reasoning module:\nAD\n\nTask "
            "Description:\nQ\n\nNote: You will not work out the full solution and only create an "
            "actionable and concise reasoning structure for the task using the adapted reasoning "
            "module.");
  EXPECT_EQ(replace_box_placeholder(fill_template(set.execute, {{"question", "Q"}, {"structure", "S"}})),
            "Using the following reasoning structure: S\n\nSolve this task step by step based on "
            "the given reasoning structure, and present your final answer as \\boxed{Your "
            "Answer}.: Q");
  std::string hint_list = plain_guidelines(set.hint_guidelines);
  EXPECT_EQ(fill_template(set.hint_select, {{"question", "Q"}, {"guidelines", hint_list}}),
            "Given the task: Q, which of the following reasoning modules are relevant? Do not "
            "elaborate on why.\n\n" + hint_list);
  EXPECT_EQ(fill_template(set.hint_adapt, {{"question", "Q"}, {"selected", "SEL"}, {"answer", "T"}}),
            "Without working out the solution: T, adapt the following reasoning modules to be "
            "specific to our task:\nSEL\n\nOur task:\nQ");
  EXPECT_EQ(fill_template(set.hint_implement, {{"question", "Q"}, {"adapted", "AD"}, {"answer", "T"}}),
            "Without working out the solution: T, create an actionable and concise reasoning "
            "structure step by step for the task using these adapted reasoning modules:\nAD\n\nTask "
            "Description:\nQ\n");
  EXPECT_EQ(replace_box_placeholder(fill_template(
                set.hint_execute, {{"question", "Q"}, {"structure", "S"}, {"answer", "T"}})),
            "Using the following reasoning structure: S\n\nTask: Q\n\nSolve this task step by step "
            "(less than 8 steps) based on the reasoning structure, and at last present your final "
            "answer: \\boxed{T}. You must present the solution in \\boxed{Your Answer}.");
  EXPECT_EQ(fill_template(set.self_judge, {{"question", "Q"}, {"path", "P"}, {"answer", "T"}}),
            "Given the question: Q, the solution given by the language model is: P\n\nThe correct "
            "answer is: T.\n\nDo you think the solution is correct (same with the correct answer)? "
            "Yes or No.");
  EXPECT_EQ(fill_template(set.train_prompt, {{"question", "Q"}}),
            "Solve the following math problem step-by-step.\nPresent your final answer as "
            "\\boxed{Your Answer}.\nQ");
}

TEST(PromptSet, NumberedListIsZeroBasedWithDotSpace) {
  EXPECT_EQ(numbered_guidelines({"a", "b", "c"}), "0. a\n1. b\n2. c");
  EXPECT_EQ(plain_guidelines({"a", "b"}), "a\nb");
}

TEST(PromptSet, FillingIsOnePassAndLeavesOtherBracesAlone) {
  // A value that itself contains a placeholder is not expanded again.
  EXPECT_EQ(fill_template("{question} / {selected}", {{"question", "{selected}"}, {"selected", "X"}}),
            "{selected} / X");
  EXPECT_EQ(fill_template("\\boxed{Your Answer} \\frac{a}{b} {", {{"question", "Q"}}),
            "\\boxed{Your Answer} \\frac{a}{b} {");
  EXPECT_EQ(fill_template("\\boxed{{answer}}", {{"answer", "42"}}), "\\boxed{42}");
  EXPECT_EQ(replace_box_placeholder("a <---box---> b <---box--->"),
            "a \\boxed{Your Answer} b \\boxed{Your Answer}");
}

// Writes the built-in set into a directory so single files can be changed.
void write_builtin_copy(const std::filesystem::path& dir) {
  auto src = test::source_dir() / "prompts" / "regenesis";
  for (const auto& entry : std::filesystem::directory_iterator(src))
    std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
}

TEST(PromptSet, DirectoryCopyOfTheBuiltinIsIdentical) {
  test::TempDir dir;
  write_builtin_copy(dir.path());
  PromptSet from_dir = PromptSet::load_directory(dir.path());
  PromptSet builtin = PromptSet::builtin();
  EXPECT_EQ(from_dir.fingerprint(), builtin.fingerprint());
  EXPECT_EQ(from_dir.hint_implement, builtin.hint_implement);
  EXPECT_EQ(from_dir.hint_implement.back(), '\n');  // the template's own final newline survives
}

TEST(PromptSet, UserSetChangesTheFingerprintAndIsValidated) {
  test::TempDir dir;
  write_builtin_copy(dir.path());
  write_file_atomic(dir / "adapt.txt", "Adapt {selected} for {question}\n");
  PromptSet custom = PromptSet::load_directory(dir.path());
  EXPECT_EQ(custom.adapt, "Adapt {selected} for {question}");
  EXPECT_NE(custom.fingerprint(), PromptSet::builtin().fingerprint());

  write_file_atomic(dir / "adapt.txt", "Adapt {selected} only\n");
  try {
    PromptSet::load_directory(dir.path());
    FAIL() << "a template without {question} was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("adapt.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("{question}"), std::string::npos) << e.what();
  }
  write_file_atomic(dir / "adapt.txt", "Adapt {selected} for {question}, answer {answer}\n");
  EXPECT_THROW(PromptSet::load_directory(dir.path()), Error);  // the gold answer in a main prompt

  write_file_atomic(dir / "adapt.txt", "Adapt {selected} for {question}\n");
  write_file_atomic(dir / "seed_guidelines.txt", "one\n\nthree\n");
  try {
    PromptSet::load_directory(dir.path());
    FAIL() << "an empty guideline line was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("seed_guidelines.txt:2"), std::string::npos) << e.what();
  }
  std::filesystem::remove(dir / "seed_guidelines.txt");
  EXPECT_THROW(PromptSet::load_directory(dir.path()), Error);
  EXPECT_THROW(PromptSet::load_directory(dir / "missing"), Error);
}

}  // namespace
}  // namespace regenesis
