// Tokenizer and recursive-descent parser of answer expressions (grammar in answer_expr.h).
#include <cctype>
#include <set>

#include "text/answer_expr.h"

namespace regenesis {
namespace {

enum class Tok { Num, Ident, Cmd, Op, End };
struct Token {
  Tok kind;
  std::string text;  // digits, the letter, the command name (no backslash), or the operator char
};

const std::set<std::string, std::less<>> kFunctions = {
    "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "ln", "log", "exp"};
const std::set<std::string, std::less<>> kGreek = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon",
    "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma",
    "Phi", "Psi", "Omega"};
// Commands that only space or size things.
const std::set<std::string, std::less<>> kIgnored = {
    "left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "displaystyle", "!", ",", ";",
    ":", " ", "quad", "qquad", "limits"};
// Plain-text spellings recognised at the start of a run of letters ("sqrt(2)", "2pi").
const char* const kPlainNames[] = {"arcsin", "arccos", "arctan", "sqrt", "sinh", "cosh", "tanh",
                                   "sin",    "cos",    "tan",    "sec",  "csc",  "cot",  "log",
                                   "exp",    "ln",     "pi"};

std::optional<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (std::isdigit(c) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i;
      bool point = false;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || (s[j] == '.' && !point))) {
        if (s[j] == '.') {
          // "3." at the end of a number is a full stop, not a decimal point.
          if (j + 1 >= s.size() || !std::isdigit(static_cast<unsigned char>(s[j + 1]))) break;
          point = true;
        }
        ++j;
      }
      out.push_back({Tok::Num, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '\\') {
      size_t j = i + 1;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      std::string name = j == i + 1 ? std::string(s.substr(i + 1, 1)) : std::string(s.substr(i + 1, j - i - 1));
      i = j == i + 1 ? std::min(s.size(), i + 2) : j;
      if (name.empty()) return std::nullopt;
      if (kIgnored.count(name)) continue;
      if (name == "cdot" || name == "times" || name == "ast") out.push_back({Tok::Op, "*"});
      else if (name == "div") out.push_back({Tok::Op, "/"});
      else if (name == "{" || name == "}") out.push_back({Tok::Op, name});
      else if (name == "dfrac" || name == "tfrac" || name == "cfrac") out.push_back({Tok::Cmd, "frac"});
      else if (name == "dbinom" || name == "tbinom") out.push_back({Tok::Cmd, "binom"});
      else out.push_back({Tok::Cmd, name});
    } else if (std::isalpha(c)) {
      size_t j = i;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      std::string_view run = s.substr(i, j - i);
      size_t k = 0;
      for (const char* name : kPlainNames) {
        std::string_view n(name);
        if (run.substr(0, n.size()) == n) {
          out.push_back({Tok::Cmd, std::string(n)});
          k = n.size();
          break;
        }
      }
      for (; k < run.size(); ++k) out.push_back({Tok::Ident, std::string(1, run[k])});
      i = j;
    } else if (std::string_view("+-*/^!()[]{}|,=<>&_'").find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back({Tok::Op, std::string(1, static_cast<char>(c))});
      ++i;
    } else {
      return std::nullopt;  // any other byte (UTF-8, '$', '%', ...) is not part of this grammar
    }
  }
  out.push_back({Tok::End, ""});
  return out;
}

}  // namespace

class ExprParser {
 public:
  ExprParser(std::vector<Token> tokens, Expr& expr) : tokens_(std::move(tokens)), expr_(expr) {}

  std::optional<int> parse_all() {
    auto root = expression();
    if (!root || peek().kind != Tok::End) return std::nullopt;
    return root;
  }

 private:
  using Op = Expr::Op;
  static constexpr int kMaxDepth = 200;

  const Token& peek() const { return tokens_[pos_]; }
  bool is_op(const char* op) const { return peek().kind == Tok::Op && peek().text == op; }
  bool accept_op(const char* op) {
    if (!is_op(op)) return false;
    ++pos_;
    return true;
  }
  int add(Op op, std::vector<int> args = {}, std::optional<Rational> number = std::nullopt,
          std::string name = "") {
    expr_.nodes_.push_back({op, number, std::move(name), std::move(args)});
    return static_cast<int>(expr_.nodes_.size()) - 1;
  }
  struct DepthGuard {
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    int& depth;
  };

  std::optional<int> expression() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return std::nullopt;
    auto left = term();
    while (left && (is_op("+") || is_op("-"))) {
      Op op = peek().text == "+" ? Op::Add : Op::Sub;
      ++pos_;
      auto right = term();
      if (!right) return std::nullopt;
      left = add(op, {*left, *right});
    }
    return left;
  }

  bool starts_implicit_factor() const {
    const Token& t = peek();
    if (t.kind == Tok::Ident) return true;
    if (t.kind == Tok::Cmd) return t.text != "infty" && t.text != "pm" && t.text != "mp";
    return t.kind == Tok::Op && (t.text == "(" || t.text == "[" || t.text == "{");
  }

  std::optional<int> term() {
    auto left = unary();
    while (left) {
      if (accept_op("*")) {
        auto right = unary();
        if (!right) return std::nullopt;
        left = add(Op::Mul, {*left, *right});
      } else if (accept_op("/")) {
        auto right = unary();
        if (!right) return std::nullopt;
        left = add(Op::Div, {*left, *right});
      } else if (starts_implicit_factor()) {
        auto right = power();
        if (!right) return std::nullopt;
        left = add(Op::Mul, {*left, *right});
      } else {
        break;
      }
    }
    return left;
  }

  std::optional<int> unary() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return std::nullopt;
    if (accept_op("-")) {
      auto operand = unary();
      if (!operand) return std::nullopt;
      return add(Op::Neg, {*operand});
    }
    if (accept_op("+")) return unary();
    return power();
  }

  std::optional<int> power() {
    auto base = postfix();
    if (!base || !accept_op("^")) return base;
    auto exponent = signed_power();
    if (!exponent) return std::nullopt;
    return add(Op::Pow, {*base, *exponent});
  }

  // The exponent of '^': an optional sign, then a power (so 2^3^2 is 2^(3^2)).
  std::optional<int> signed_power() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return std::nullopt;
    if (accept_op("-")) {
      auto operand = signed_power();
      if (!operand) return std::nullopt;
      return add(Op::Neg, {*operand});
    }
    accept_op("+");
    return power();
  }

  std::optional<int> postfix() {
    auto value = primary();
    while (value && accept_op("!")) value = add(Op::Factorial, {*value});
    return value;
  }

  std::optional<int> number_token() {
    auto r = parse_decimal(peek().text);
    if (!r) return std::nullopt;
    ++pos_;
    return add(Op::Number, {}, r);
  }

  // The argument of \frac, \sqrt, \binom: a braced group, or one character ("\frac12").
  std::optional<int> latex_argument() {
    if (is_op("{")) return primary();
    if (peek().kind == Tok::Num) {
      Token& t = tokens_[pos_];
      if (t.text.size() > 1 && t.text[0] != '.') {
        auto digit = parse_decimal(t.text.substr(0, 1));
        t.text.erase(0, 1);
        return add(Op::Number, {}, digit);
      }
      return number_token();
    }
    if (peek().kind == Tok::Ident || peek().kind == Tok::Cmd) return primary();
    return std::nullopt;
  }

  bool is_integer_literal(int node) const {
    const auto& n = expr_.nodes_[node];
    return n.op == Op::Number && n.number && n.number->is_integer();
  }

  std::optional<int> fraction() {
    auto numerator = latex_argument();
    if (!numerator) return std::nullopt;
    auto denominator = latex_argument();
    if (!denominator) return std::nullopt;
    return add(Op::Div, {*numerator, *denominator});
  }

  std::optional<int> function_call(const std::string& name) {
    std::optional<int> exponent;
    if (accept_op("^")) {
      exponent = signed_power();
      if (!exponent) return std::nullopt;
    }
    std::optional<int> argument;
    if (is_op("(")) {
      argument = postfix();
    } else {
      // "\sin 3x" is sin(3x); the argument is a run of implicit factors up to the next function.
      argument = power();
      while (argument && starts_implicit_factor() &&
             !(peek().kind == Tok::Cmd && kFunctions.count(peek().text))) {
        auto next = power();
        if (!next) return std::nullopt;
        argument = add(Op::Mul, {*argument, *next});
      }
    }
    if (!argument) return std::nullopt;
    int call = add(Op::Func, {*argument}, std::nullopt, name);
    return exponent ? add(Op::Pow, {call, *exponent}) : call;
  }

  std::optional<int> grouped(const char* close) {
    auto inner = expression();
    if (!inner || !accept_op(close)) return std::nullopt;
    return inner;
  }

  std::optional<int> primary() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return std::nullopt;
    const Token t = peek();
    switch (t.kind) {
      case Tok::Num: {
        bool integer = t.text.find('.') == std::string::npos;
        auto number = number_token();
        // "2\frac{1}{4}" is a mixed number (9/4) when both parts are integer literals.
        if (number && integer && peek().kind == Tok::Cmd && peek().text == "frac") {
          size_t saved_pos = pos_;
          size_t saved_nodes = expr_.nodes_.size();
          auto saved_tokens = tokens_;
          ++pos_;
          auto frac = fraction();
          if (frac && is_integer_literal(expr_.nodes_[*frac].args[0]) &&
              is_integer_literal(expr_.nodes_[*frac].args[1]))
            return add(Op::Add, {*number, *frac});
          pos_ = saved_pos;
          expr_.nodes_.resize(saved_nodes);
          tokens_ = std::move(saved_tokens);
        }
        return number;
      }
      case Tok::Ident:
        ++pos_;
        if (t.text == "i") return add(Op::Imaginary);
        expr_.variables_.insert(t.text);
        return add(Op::Variable, {}, std::nullopt, t.text);
      case Tok::Cmd: {
        ++pos_;
        const std::string& name = t.text;
        if (name == "pi") return add(Op::Pi);
        if (name == "frac") return fraction();
        if (name == "binom") {
          auto n = latex_argument();
          if (!n) return std::nullopt;
          auto k = latex_argument();
          if (!k) return std::nullopt;
          return add(Op::Binom, {*n, *k});
        }
        if (name == "sqrt") {
          std::optional<int> index;
          if (accept_op("[")) {
            index = grouped("]");
            if (!index) return std::nullopt;
          }
          std::optional<int> radicand = is_op("(") ? primary() : latex_argument();
          if (!radicand) return std::nullopt;
          return index ? add(Op::Root, {*radicand, *index}) : add(Op::Sqrt, {*radicand});
        }
        if (kFunctions.count(name)) return function_call(name);
        if (kGreek.count(name)) {
          expr_.variables_.insert("\\" + name);
          return add(Op::Variable, {}, std::nullopt, "\\" + name);
        }
        return std::nullopt;  // \infty, \cup, \text, unknown commands
      }
      case Tok::Op:
        if (accept_op("(")) return grouped(")");
        if (accept_op("[")) return grouped("]");
        if (accept_op("{")) return grouped("}");
        if (accept_op("|")) {
          auto inner = grouped("|");
          if (!inner) return std::nullopt;
          return add(Op::Abs, {*inner});
        }
        return std::nullopt;
      case Tok::End:
        return std::nullopt;
    }
    return std::nullopt;
  }

  std::vector<Token> tokens_;
  Expr& expr_;
  size_t pos_ = 0;
  int depth_ = 0;
};

std::optional<Expr> Expr::parse(std::string_view text) {
  if (text.size() > 2000) return std::nullopt;  // answers are short; refuse pathological input
  auto tokens = tokenize(text);
  if (!tokens) return std::nullopt;
  // Implicit multiplication of two bare numbers ("7 3/4", "1 000") is ambiguous: refuse it.
  // ("\cos^2 1" is fine: the first number is an exponent.)
  for (size_t k = 0; k + 1 < tokens->size(); ++k) {
    bool exponent = k > 0 && (*tokens)[k - 1].kind == Tok::Op && (*tokens)[k - 1].text == "^";
    if ((*tokens)[k].kind == Tok::Num && (*tokens)[k + 1].kind == Tok::Num && !exponent) return std::nullopt;
  }
  Expr expr;
  ExprParser parser(std::move(*tokens), expr);
  auto root = parser.parse_all();
  if (!root) return std::nullopt;
  expr.root_ = *root;
  return expr;
}

}  // namespace regenesis
