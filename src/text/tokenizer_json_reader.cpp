#include "text/tokenizer_json_reader.h"

#include <cstdint>
#include <optional>

#include "util/error.h"
#include "util/limits.h"
#include "util/json.h"

namespace regenesis::tok {
namespace {

using Json = nlohmann::json;

[[noreturn]] void bad_merge(const std::string& source, size_t index, const std::string& what) {
  fail(source, ": model.merges[", index, "] must be ", what);
}

void split_string_merge(const std::string& line, size_t index, const std::string& source,
                        std::vector<std::pair<std::string, std::string>>& out) {
  // "left right": the tokens themselves never hold a plain space.
  size_t space = line.find(' ');
  if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
    bad_merge(source, index, "two tokens separated by one space, got '" + line + "'");
  }
  out.emplace_back(line.substr(0, space), line.substr(space + 1));
}

// SAX events go to nlohmann's own DOM builder, except inside model.vocab and model.merges.
class TokenizerSax {
 public:
  TokenizerSax(Json& result, std::string source, BpeTables& tables)
      : dom_(result), source_(std::move(source)), tables_(tables) {}

  bool null() { return in_table() ? table_value_error() : dom_.null(); }
  bool boolean(bool v) { return in_table() ? table_value_error() : dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return in_table() ? vocab_id(v) : dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) {
    return in_table() ? vocab_id(v > INT64_MAX ? -1 : static_cast<int64_t>(v)) : dom_.number_unsigned(v);
  }
  bool number_float(Json::number_float_t v, const Json::string_t& s) {
    return in_table() ? table_value_error() : dom_.number_float(v, s);
  }
  bool binary(Json::binary_t& v) { return dom_.binary(v); }
  bool string(Json::string_t& v) {
    if (mode_ == Mode::Merges) {
      if (pair_.has_value()) {
        pair_->push_back(std::move(v));
      } else {
        split_string_merge(v, tables_.merges.size(), source_, tables_.merges);
      }
      return true;
    }
    return in_table() ? table_value_error() : dom_.string(v);
  }
  bool start_object(std::size_t n) {
    if (in_table()) return table_value_error();
    if (path_is("vocab")) {
      mode_ = Mode::Vocab;
      tables_.has_vocab = true;
      return true;
    }
    frames_.push_back({true, {}});
    return dom_.start_object(n);
  }
  bool key(Json::string_t& k) {
    if (mode_ == Mode::Vocab) {
      vocab_key_ = std::move(k);
      return true;
    }
    frames_.back().key = k;
    return dom_.key(k);
  }
  bool end_object() {
    if (mode_ == Mode::Vocab) {
      mode_ = Mode::Dom;
      return dom_.null();  // the placeholder for model.vocab
    }
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (mode_ == Mode::Merges && !pair_) {
      pair_.emplace();
      return true;
    }
    if (in_table()) return table_value_error();
    if (path_is("merges")) {
      mode_ = Mode::Merges;
      tables_.has_merges = true;
      return true;
    }
    frames_.push_back({false, {}});
    return dom_.start_array(n);
  }
  bool end_array() {
    if (mode_ == Mode::Merges) {
      if (pair_) {
        if (pair_->size() != 2) table_value_error();
        tables_.merges.emplace_back(std::move((*pair_)[0]), std::move((*pair_)[1]));
        pair_.reset();
        return true;
      }
      mode_ = Mode::Dom;
      return dom_.null();  // the placeholder for model.merges
    }
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    fail(source_, ": invalid JSON at byte ", position, ": ", e.what());
  }

 private:
  enum class Mode { Dom, Vocab, Merges };
  struct Frame {
    bool is_object;
    std::string key;
  };

  bool in_table() const { return mode_ != Mode::Dom; }
  // Whether the value starting now is model.<name> (the root is frame 0, model is frame 1).
  bool path_is(const char* name) const {
    return frames_.size() == 2 && frames_[0].is_object && frames_[0].key == "model" &&
           frames_[1].is_object && frames_[1].key == name;
  }
  bool vocab_id(int64_t id) {
    if (mode_ != Mode::Vocab) return table_value_error();
    if (id < 0 || id > limits::kTokenIdMax) return table_value_error();
    tables_.vocab.emplace_back(std::move(vocab_key_), static_cast<int32_t>(id));
    return true;
  }
  bool table_value_error() {
    if (mode_ == Mode::Vocab) {
      fail(source_, ": model.vocab entry '", vocab_key_, "' must map to a non-negative integer id (at most ",
           limits::kTokenIdMax, ")");
    }
    bad_merge(source_, tables_.merges.size(), "\"left right\" or [\"left\", \"right\"]");
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::string source_;
  BpeTables& tables_;
  std::vector<Frame> frames_;
  Mode mode_ = Mode::Dom;
  std::string vocab_key_;
  std::optional<std::vector<std::string>> pair_;  // a merge in pair form being read
};

}  // namespace

Json parse_tokenizer_json(const std::string& text, const std::string& source, BpeTables& tables) {
  check_json_depth(text, source);
  Json result;
  TokenizerSax sax(result, source, tables);
  Json::sax_parse(text, &sax);
  return result;
}

void split_merge_entry(const Json& entry, size_t index, const std::string& source,
                       std::vector<std::pair<std::string, std::string>>& out) {
  if (entry.is_string()) {
    split_string_merge(entry.get_ref<const std::string&>(), index, source, out);
  } else if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
    out.emplace_back(entry[0].get<std::string>(), entry[1].get<std::string>());
  } else {
    bad_merge(source, index, "\"left right\" or [\"left\", \"right\"]");
  }
}

}  // namespace regenesis::tok
