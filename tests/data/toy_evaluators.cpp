#include "toy_evaluators.h"

#include <algorithm>
#include <map>
#include <regex>
#include <vector>

#include "text/answer_choice.h"
#include "text/answer_expr.h"

namespace regenesis::toy_test {
namespace {

std::vector<std::string> sentences(const std::string& text) {
  // Split after ". " and "? " (the toy texts have no other periods except in prices like 1.25).
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '.' || text[i] == '?') && (i + 1 == text.size() || text[i + 1] == ' ')) {
      out.push_back(text.substr(start, i + 1 - start));
      start = i + 2;
    }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

std::optional<Rational> evaluate(const std::string& expression) {
  auto expr = Expr::parse(expression);
  if (!expr) return std::nullopt;
  auto value = expr->evaluate({});
  if (!value || !value->exact) return std::nullopt;
  return value->exact;
}

std::string rational_text(const Rational& r) {
  if (r.den == 1) return std::to_string(r.num);
  return std::to_string(r.num) + "/" + std::to_string(r.den);
}

// Applies one change sentence to `expr`; false when the sentence is not a change.
bool apply_change(const std::string& s, std::string& expr) {
  static const std::regex add(R"((buys|finds) (\d+) more|gives (him|her) (\d+))");
  static const std::regex sub(R"(gives (\d+) \w+ to|loses (\d+)|sells (\d+))");
  static const std::regex div(R"(into (\d+) equal boxes)");
  std::smatch m;
  if (std::regex_search(s, m, add)) {
    expr = "(" + expr + "+" + (m[2].matched ? m[2].str() : m[4].str()) + ")";
  } else if (std::regex_search(s, m, sub)) {
    expr = "(" + expr + "-" + (m[1].matched ? m[1].str() : m[2].matched ? m[2].str() : m[3].str()) + ")";
  } else if (s.find("doubles") != std::string::npos) {
    expr = "(" + expr + "*2)";
  } else if (s.find("triples") != std::string::npos) {
    expr = "(" + expr + "*3)";
  } else if (std::regex_search(s, m, div)) {
    expr = "(" + expr + "/" + m[1].str() + ")";
  } else {
    return false;
  }
  return true;
}

std::optional<std::string> compare_answer(const Question& q) {
  static const std::regex has(R"(^(\w+) has (\d+) \w+\.$)");
  std::vector<std::pair<std::string, std::string>> people;  // name, expression
  for (const auto& s : sentences(q.question)) {
    std::smatch m;
    if (std::regex_match(s, m, has)) {
      people.push_back({m[1].str(), m[2].str()});
    } else if (s.rfind("Who has more", 0) == 0) {
      break;
    } else if (people.empty() || !apply_change(s, people.back().second)) {
      return std::nullopt;
    }
  }
  if (people.size() != 2) return std::nullopt;
  auto a = evaluate(people[0].second), b = evaluate(people[1].second);
  if (!a || !b || *a == *b) return std::nullopt;
  const std::string winner = rational_compare(*a, *b) > 0 ? people[0].first : people[1].first;
  for (size_t i = 0; i < q.choices.size(); ++i)
    if (choice_body(q.choices[i]) == winner) return choice_letter(i);
  return std::nullopt;
}

std::optional<std::string> counting_answer(const Question& q) {
  static const std::regex item(R"((\d+) (red|blue|green) (\w+))");
  static const std::regex ask(R"(How many (red|blue|green)? ?(things|\w+) does)");
  std::smatch m;
  if (!std::regex_search(q.question, m, ask)) return std::nullopt;
  const std::string color = m[1].str(), kind = m[2].str();
  const std::string list = q.question.substr(0, q.question.find(". How many"));
  std::string expr = "0";
  for (auto it = std::sregex_iterator(list.begin(), list.end(), item); it != std::sregex_iterator(); ++it) {
    const bool counts = color.empty() ? (*it)[3].str() == kind : (*it)[2].str() == color;
    if (counts) expr += "+" + (*it)[1].str();
  }
  auto v = evaluate(expr);
  return v ? std::optional<std::string>(rational_text(*v)) : std::nullopt;
}

std::optional<std::string> money_answer(const Question& q) {
  static const std::regex price(R"(a (\w+) costs ([\d.]+) dollars)", std::regex::icase);
  static const std::regex bought(R"((\d+) (\w+))");
  static const std::regex bill(R"(pays with a (\d+)-dollar bill)");
  std::map<std::string, std::string> prices;  // singular -> price
  for (auto it = std::sregex_iterator(q.question.begin(), q.question.end(), price); it != std::sregex_iterator(); ++it)
    prices[(*it)[1].str()] = (*it)[2].str();
  const size_t buys = q.question.find(" buys ");
  if (buys == std::string::npos || prices.size() != 2) return std::nullopt;
  const std::string purchase = q.question.substr(buys, q.question.find('.', buys) - buys);
  std::string total = "0";
  for (auto it = std::sregex_iterator(purchase.begin(), purchase.end(), bought); it != std::sregex_iterator(); ++it) {
    std::string noun = (*it)[2].str();
    if (!prices.count(noun) && noun.back() == 's') noun.pop_back();
    if (!prices.count(noun)) return std::nullopt;
    total += "+" + (*it)[1].str() + "*" + prices[noun];
  }
  std::smatch m;
  std::string expr = std::regex_search(q.question, m, bill) ? m[1].str() + "-(" + total + ")" : total;
  auto v = evaluate(expr);
  return v ? std::optional<std::string>(std::to_string(static_cast<double>(v->num) / v->den)) : std::nullopt;
}

std::optional<std::string> time_answer(const Question& q) {
  static const std::regex clocks(R"(at (\d+):(\d\d) and stops at (\d+):(\d\d))");
  static const std::regex span(R"(for (?:(\d+) hours?)?(?: and )?(?:(\d+) minutes)?)");
  std::smatch m;
  std::string expr;
  if (std::regex_search(q.question, m, clocks)) {
    expr = "(" + m[3].str() + "*60+" + m[4].str() + ")-(" + m[1].str() + "*60+" + m[2].str() + ")";
  } else {
    expr = "0";
    for (auto it = std::sregex_iterator(q.question.begin(), q.question.end(), span); it != std::sregex_iterator(); ++it) {
      if ((*it)[1].matched) expr += "+" + (*it)[1].str() + "*60";
      if ((*it)[2].matched) expr += "+" + (*it)[2].str();
    }
  }
  auto v = evaluate(expr);
  return v ? std::optional<std::string>(rational_text(*v)) : std::nullopt;
}

struct Puzzle {
  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> more;  // (a, b): a ranks above b
  std::string superlative;  // "tallest"
  bool second = false;
  bool top = true;  // asked about the "most" end
};

std::optional<Puzzle> read_puzzle(const std::string& question) {
  static const std::map<std::string, std::pair<std::string, bool>> words = {
      {"taller", {"t", true}}, {"shorter", {"t", false}}, {"older", {"o", true}},
      {"younger", {"o", false}}, {"faster", {"f", true}}, {"slower", {"f", false}}};
  static const std::map<std::string, bool> superlatives = {
      {"tallest", true}, {"shortest", false}, {"oldest", true}, {"youngest", false}, {"fastest", true}, {"slowest", false}};
  static const std::regex clue(R"(^(\w+) is (\w+) than (\w+)\.$)");
  static const std::regex ask(R"(Who is the (second )?(\w+)\?)");
  Puzzle p;
  const auto parts = sentences(question);
  const std::string intro = parts.at(0);
  const size_t end = intro.find(" are friends.");
  if (end == std::string::npos) return std::nullopt;
  static const std::regex name(R"([A-Z][a-z]+)");
  const std::string list = intro.substr(0, end);
  for (auto it = std::sregex_iterator(list.begin(), list.end(), name); it != std::sregex_iterator(); ++it)
    p.names.push_back(it->str());
  for (const auto& s : parts) {
    std::smatch m;
    if (std::regex_match(s, m, clue)) {
      auto w = words.find(m[2].str());
      if (w == words.end()) return std::nullopt;
      if (w->second.second) p.more.push_back({m[1].str(), m[3].str()});
      else p.more.push_back({m[3].str(), m[1].str()});
    }
  }
  std::smatch m;
  if (!std::regex_search(question, m, ask)) return std::nullopt;
  p.second = m[1].matched;
  auto s = superlatives.find(m[2].str());
  if (s == superlatives.end()) return std::nullopt;
  p.top = s->second;
  return p;
}

std::vector<std::vector<std::string>> solutions(const Puzzle& p) {
  std::vector<std::string> order = p.names;
  std::sort(order.begin(), order.end());
  std::vector<std::vector<std::string>> found;
  do {
    auto rank = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
    bool ok = true;
    for (const auto& [a, b] : p.more) ok = ok && rank(a) < rank(b);
    if (ok) found.push_back(order);
  } while (std::next_permutation(order.begin(), order.end()));
  return found;
}

std::optional<std::string> ordering_answer(const Question& q) {
  auto p = read_puzzle(q.question);
  if (!p) return std::nullopt;
  auto all = solutions(*p);
  if (all.size() != 1) return std::nullopt;
  const auto& order = all[0];
  const size_t n = order.size();
  const size_t place = p->top ? (p->second ? 1 : 0) : (p->second ? n - 2 : n - 1);
  for (size_t i = 0; i < q.choices.size(); ++i)
    if (choice_body(q.choices[i]) == order[place]) return choice_letter(i);
  return std::nullopt;
}

std::optional<std::string> yesno_answer(const Question& q) {
  static const std::regex claim(R"(^Is (\d+) (\+|-|times) (\d+) (equal to|more than|less than) (\d+)\?$)");
  static const std::regex parity(R"(^Is (\d+) (\+|-|times) (\d+) an (even|odd) number\?$)");
  std::smatch m;
  auto value = [](const std::smatch& mm) {
    const std::string op = mm[2].str() == "times" ? "*" : mm[2].str();
    return evaluate(mm[1].str() + op + mm[3].str());
  };
  if (std::regex_match(q.question, m, claim)) {
    auto v = value(m);
    auto c = evaluate(m[5].str());
    if (!v || !c) return std::nullopt;
    const int cmp = rational_compare(*v, *c);
    const bool yes = m[4].str() == "equal to" ? cmp == 0 : m[4].str() == "more than" ? cmp > 0 : cmp < 0;
    return std::string(yes ? "yes" : "no");
  }
  if (std::regex_match(q.question, m, parity)) {
    auto v = value(m);
    if (!v) return std::nullopt;
    const bool even = v->num % 2 == 0;
    return std::string(even == (m[4].str() == "even") ? "yes" : "no");
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> chain_expression(const std::string& question, int* ops) {
  static const std::regex start(R"(^\w+ has (\d+) \w+\.$)");
  const auto parts = sentences(question);
  std::smatch m;
  if (parts.empty() || !std::regex_match(parts[0], m, start)) return std::nullopt;
  std::string expr = m[1].str();
  int count = 0;
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    if (!apply_change(parts[i], expr)) return std::nullopt;
    ++count;
  }
  if (parts.back().rfind("How many", 0) != 0) return std::nullopt;
  if (ops) *ops = count;
  return expr;
}

std::optional<std::string> independent_answer(const Question& q) {
  if (q.task == "arith_chain" || q.task == "long_chain") {
    auto expr = chain_expression(q.question);
    if (!expr) return std::nullopt;
    auto v = evaluate(*expr);
    return v ? std::optional<std::string>(rational_text(*v)) : std::nullopt;
  }
  if (q.task == "compare") return compare_answer(q);
  if (q.task == "counting") return counting_answer(q);
  if (q.task == "money") return money_answer(q);
  if (q.task == "time") return time_answer(q);
  if (q.task == "ordering") return ordering_answer(q);
  if (q.task == "yesno_facts") return yesno_answer(q);
  return std::nullopt;
}

int consistent_orders(const std::string& question) {
  auto p = read_puzzle(question);
  return p ? static_cast<int>(solutions(*p).size()) : -1;
}

}  // namespace regenesis::toy_test
