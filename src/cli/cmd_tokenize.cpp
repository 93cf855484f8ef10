// `regenesis tokenize`: the tokenizer from the command line, for debugging: text to ids and token
// pieces, or (--decode) ids back to text.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "text/tokenizer.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace regenesis::cli {
namespace {

struct Options {
  std::string tokenizer_dir;
  std::string text;
  std::string file;
  bool decode = false;
  bool add_special_tokens = false;
  bool skip_special_tokens = false;
  bool json = false;
  bool has_text = false;  // --text given (possibly empty)
  bool has_file = false;
};

// "1 2,3" or "[1, 2, 3]" -> ids; anything else is an Error naming the bad entry.
std::vector<int32_t> parse_ids(const std::string& input, const Tokenizer& tokenizer) {
  std::vector<int32_t> ids;
  std::string current;
  auto flush = [&] {
    if (current.empty()) return;
    size_t used = 0;
    long long id = -1;
    try {
      id = std::stoll(current, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != current.size() || id < 0) fail("--decode: '", current, "' is not a token id");
    if (static_cast<size_t>(id) >= tokenizer.vocab_size()) {
      fail("--decode: token id ", id, " is out of range (vocabulary size ", tokenizer.vocab_size(), ")");
    }
    ids.push_back(static_cast<int32_t>(id));
    current.clear();
  };
  for (char c : input) {
    if (c == ' ' || c == ',' || c == '\n' || c == '\t' || c == '\r' || c == '[' || c == ']') {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return ids;
}

// A token piece made visible on one line: control characters escaped.
std::string visible(const std::string& piece) {
  std::string out;
  for (unsigned char c : piece) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

void run(const Options& options) {
  if (options.has_text == options.has_file) fail("give exactly one of --text T or --file F");
  const Tokenizer tokenizer = Tokenizer::load(options.tokenizer_dir);
  const std::string input = options.has_text ? options.text : read_file(options.file);

  if (options.decode) {
    std::string text = tokenizer.decode(parse_ids(input, tokenizer), options.skip_special_tokens);
    if (options.json) {
      std::printf("%s\n", OrderedJson{{"text", text}}.dump().c_str());
    } else {
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fputc('\n', stdout);
    }
    return;
  }

  std::vector<int32_t> ids = tokenizer.encode(input, options.add_special_tokens);
  std::vector<std::string> tokens;
  for (int32_t id : ids) tokens.push_back(tokenizer.id_to_token(id));
  if (options.json) {
    std::printf("%s\n", OrderedJson{{"ids", ids}, {"tokens", tokens}}.dump().c_str());
    return;
  }
  std::string line;
  for (size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
  std::printf("%s\n", line.c_str());
  for (size_t i = 0; i < ids.size(); ++i) {
    std::printf("%d\t%s%s\n", ids[i], visible(tokens[i]).c_str(),
                tokenizer.is_special(ids[i]) ? "\t(special)" : "");
  }
}

void setup(CLI::App& sub) {
  auto options = std::make_shared<Options>();
  sub.add_option("--tokenizer", options->tokenizer_dir,
                 "Directory with tokenizer.json (and tokenizer_config.json), or a tokenizer.json")
      ->required();
  auto* text = sub.add_option("--text", options->text, "The input text (with --decode: the ids)");
  auto* file = sub.add_option("--file", options->file, "Read the input from this file instead");
  text->excludes(file);
  sub.add_flag("--decode", options->decode,
               "The input is token ids (separated by spaces or commas); print the text");
  sub.add_flag("--add-special-tokens", options->add_special_tokens,
               "Add what the tokenizer's post-processor adds (e.g. BOS)");
  sub.add_flag("--skip-special-tokens", options->skip_special_tokens,
               "With --decode: leave special tokens out of the text");
  sub.add_flag("--json", options->json,
               "Print {\"ids\": [...], \"tokens\": [...]}, or with --decode {\"text\": ...}");
  sub.footer("Without --json, encoding prints the ids on one line, then one line per token: id, "
             "the token as written in the vocabulary (control characters escaped) and (special).");
  sub.callback([options, text, file] {
    options->has_text = text->count() > 0;
    options->has_file = file->count() > 0;
    run(*options);
  });
}

REGENESIS_COMMAND("tokenize", "Encode text to token ids or decode ids to text", setup);

}  // namespace
}  // namespace regenesis::cli
