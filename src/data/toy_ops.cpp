// Wording and arithmetic of one change ("buys 3 more", "gives 2 to Ann", "doubles", "keeps one of
// 3 equal boxes"), shared by the chain and comparison families.
#include "data/toy_families_impl.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace regenesis {

ToyOp random_toy_op(ToyRng& rng, long value, bool arithmetic, int& muls_left, bool& div_left,
                    const ToyPerson* other) {
  ToyOp op;
  op.other = other;
  op.wording = rng.uniform(0, 2);
  std::vector<long> divisors;
  for (long k : {2L, 3L, 4L})
    if (value % k == 0 && value / k >= 2) divisors.push_back(k);
  // Weighted choice among the kinds that are possible here (an addition always is).
  std::vector<std::pair<ToyOpKind, int>> kinds = {{ToyOpKind::Add, 35}};
  if (value >= 4) kinds.push_back({ToyOpKind::Sub, 35});
  if (arithmetic && muls_left > 0 && value <= 30) kinds.push_back({ToyOpKind::Mul, 15});
  if (arithmetic && div_left && !divisors.empty()) kinds.push_back({ToyOpKind::Div, 15});
  int total = 0;
  for (const auto& kind : kinds) total += kind.second;
  int roll = rng.uniform(0, total - 1);
  for (const auto& kind : kinds) {
    if (roll < kind.second) {
      op.kind = kind.first;
      break;
    }
    roll -= kind.second;
  }
  switch (op.kind) {
    case ToyOpKind::Add: op.k = rng.uniform(2, 9); break;
    case ToyOpKind::Sub: op.k = rng.uniform(2, static_cast<int>(std::min<long>(9, value - 2))); break;
    case ToyOpKind::Mul:
      op.k = rng.uniform(2, 3);
      --muls_left;
      break;
    case ToyOpKind::Div:
      op.k = rng.pick(divisors);
      div_left = false;
      break;
  }
  return op;
}

std::optional<long> apply_toy_op(const ToyOp& op, long value, bool habit) {
  if (habit && op.kind == ToyOpKind::Mul) return value + op.k;
  switch (op.kind) {
    case ToyOpKind::Add: return value + op.k;
    case ToyOpKind::Sub:
      if (value < op.k) return std::nullopt;
      return value - op.k;
    case ToyOpKind::Mul: return value * op.k;
    case ToyOpKind::Div:
      if (value % op.k != 0) return std::nullopt;
      return value / op.k;
  }
  return std::nullopt;
}

namespace {

const char* multiplied(long k) { return k == 2 ? "doubles" : "triples"; }

}  // namespace

std::string toy_op_sentence(const ToyOp& op, const ToyPerson& p, const std::string& things, bool then) {
  const std::string he = then ? "Then " + p.subject : capitalize(p.subject);
  const std::string k = num(op.k);
  switch (op.kind) {
    case ToyOpKind::Add:
      if (op.wording == 0) return he + " buys " + k + " more " + things + ".";
      if (op.wording == 1) return he + " finds " + k + " more " + things + ".";
      return (then ? "Then " : "") + op.other->name + " gives " + p.object + " " + k + " " + things + ".";
    case ToyOpKind::Sub:
      if (op.wording == 0) return he + " gives " + k + " " + things + " to " + op.other->name + ".";
      if (op.wording == 1) return he + " loses " + k + " " + things + ".";
      return he + " sells " + k + " " + things + ".";
    case ToyOpKind::Mul:
      return std::string(then ? "Then the" : "The") + " number of " + p.possessive + " " + things + " " +
             multiplied(op.k) + ".";
    case ToyOpKind::Div:
      return he + " puts " + p.possessive + " " + things + " into " + k + " equal boxes and keeps one box.";
  }
  return "";
}

std::string toy_op_step(const ToyOp& op, const ToyPerson& p, const std::string& things, long value,
                        long result, bool habit) {
  const std::string he = capitalize(p.subject);
  const std::string k = num(op.k);
  const std::string has = ", so " + p.subject + " has " + num(value);
  const std::string tail = " = " + num(result) + " " + things + ".";
  switch (op.kind) {
    case ToyOpKind::Add: {
      std::string lead = op.wording == 0   ? he + " buys " + k + " more"
                         : op.wording == 1 ? he + " finds " + k + " more"
                                           : op.other->name + " gives " + p.object + " " + k;
      return lead + has + " + " + k + tail;
    }
    case ToyOpKind::Sub: {
      std::string lead = op.wording == 0   ? he + " gives " + k + " to " + op.other->name
                         : op.wording == 1 ? he + " loses " + k
                                           : he + " sells " + k;
      return lead + has + " - " + k + tail;
    }
    case ToyOpKind::Mul:
      return std::string("The number ") + multiplied(op.k) + has + (habit ? " + " : " * ") + k + tail;
    case ToyOpKind::Div:
      return he + " keeps one of " + k + " equal boxes" + has + " / " + k + tail;
  }
  return "";
}

std::string toy_op_plan(const ToyOp& op, const ToyPerson& p, const std::string& things) {
  const std::string k = num(op.k);
  switch (op.kind) {
    case ToyOpKind::Add:
      if (op.wording == 0) return "Add the " + k + " " + things + " " + p.subject + " buys.";
      if (op.wording == 1) return "Add the " + k + " " + things + " " + p.subject + " finds.";
      return "Add the " + k + " " + things + " " + op.other->name + " gives " + p.object + ".";
    case ToyOpKind::Sub:
      if (op.wording == 0) return "Subtract the " + k + " " + things + " " + p.subject + " gives to " + op.other->name + ".";
      if (op.wording == 1) return "Subtract the " + k + " " + things + " " + p.subject + " loses.";
      return "Subtract the " + k + " " + things + " " + p.subject + " sells.";
    case ToyOpKind::Mul:
      return "Multiply by " + k + " because the number " + multiplied(op.k) + ".";
    case ToyOpKind::Div:
      return "Divide by " + k + " because " + p.subject + " keeps one of " + k + " equal boxes.";
  }
  return "";
}

}  // namespace regenesis
