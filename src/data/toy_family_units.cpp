// Arithmetic with units (out of domain): money (prices in dollars and cents, a total, change from
// a bill) and time (durations in hours and minutes, minutes between two clock times).
#include <algorithm>
#include <memory>

#include "util/strings.h"

#include "data/toy_families_impl.h"

namespace regenesis {
namespace {

struct Item {
  std::string one, many;  // "pen", "pens"
  long price = 0;         // cents
  long quantity = 0;
};

struct Money {
  const ToyPerson* person = nullptr;
  Item items[2];
  long bill = 0;  // dollars; 0: the question asks for the total
};

std::optional<ToyWorked> work_money(const Money& m, const ToyPerturbation& p) {
  ToyWorked worked;
  const long slip = p.kind == ToyInjection::WrongStep ? p.delta * 100 : 0;  // a dollar off
  std::vector<std::string> parts;
  long total = 0;
  for (int i = 0; i < 2; ++i) {
    const Item& item = m.items[i];
    if (p.step == i && p.kind == ToyInjection::SkippedStep) continue;
    long cost = item.quantity * item.price + (p.step == i ? slip : 0);
    if (cost < 0) return std::nullopt;
    worked.steps.push_back("The " + num(item.quantity) + " " + (item.quantity == 1 ? item.one : item.many) +
                           (item.quantity == 1 ? " costs " : " cost ") + num(item.quantity) + " * " +
                           dollars(item.price) + " = " + dollars(cost) + " dollars.");
    parts.push_back(dollars(cost));
    total += cost;
  }
  if (p.step == 2 && p.kind == ToyInjection::SkippedStep) return std::nullopt;
  total += p.step == 2 ? slip : 0;
  if (parts.empty() || total < 0) return std::nullopt;
  worked.steps.push_back("In total " + m.person->subject + " spends " + join(parts, " + ") +
                         (parts.size() > 1 ? " = " + dollars(total) : std::string()) + " dollars.");
  long answer = total;
  if (m.bill > 0 && !(p.step == 3 && p.kind == ToyInjection::SkippedStep)) {
    answer = m.bill * 100 - total + (p.step == 3 ? slip : 0);
    if (answer < 0) return std::nullopt;
    worked.steps.push_back("The change is " + num(m.bill) + " - " + dollars(total) + " = " + dollars(answer) +
                           " dollars.");
  }
  worked.final_answer = dollars(answer);
  return worked;
}

ToyProblem make_money(ToyRng& rng) {
  static const std::vector<std::pair<std::string, std::string>> goods = {
      {"pen", "pens"}, {"book", "books"}, {"cup", "cups"}, {"ball", "balls"}, {"card", "cards"}};
  auto m = std::make_shared<Money>();
  m->person = pick_people(rng, 1)[0];
  auto kinds = rng.distinct(2, static_cast<int>(goods.size()));
  long total = 0;
  for (int i = 0; i < 2; ++i) {
    Item& item = m->items[i];
    item.one = goods[static_cast<size_t>(kinds[static_cast<size_t>(i)])].first;
    item.many = goods[static_cast<size_t>(kinds[static_cast<size_t>(i)])].second;
    item.price = 25L * rng.uniform(1, 40);
    item.quantity = rng.uniform(1, 4);
    total += item.price * item.quantity;
  }
  if (rng.chance(0.6)) {
    for (long bill : {10L, 20L, 50L, 100L})
      if (bill * 100 > total) {
        m->bill = bill;
        break;
      }
  }
  const ToyPerson& p = *m->person;
  const Item& a = m->items[0];
  const Item& b = m->items[1];
  ToyProblem problem;
  Question& q = problem.question;
  auto bought = [](const Item& item) { return num(item.quantity) + " " + (item.quantity == 1 ? item.one : item.many); };
  q.question = "A " + a.one + " costs " + dollars(a.price) + " dollars and a " + b.one + " costs " +
               dollars(b.price) + " dollars. " + p.name + " buys " + bought(a) + " and " + bought(b) + ".";
  if (m->bill > 0)
    q.question += " " + capitalize(p.subject) + " pays with a " + num(m->bill) + "-dollar bill. How much change does " +
                  p.subject + " get, in dollars?";
  else
    q.question += " How much does " + p.subject + " spend in total, in dollars?";
  q.answer = dollars(m->bill > 0 ? m->bill * 100 - total : total);
  q.answer_type = AnswerType::Number;
  problem.step_count = m->bill > 0 ? 4 : 3;

  ToyBrief& br = problem.brief;
  br.goal = m->bill > 0 ? "how much change " + p.name + " gets" : "how much " + p.name + " spends";
  br.facts = "the price of each thing and how many " + p.subject + " buys" + (m->bill > 0 ? " and the bill" : "");
  br.steps = m->bill > 0 ? "the cost of each kind of thing, then the total, then the change"
                         : "the cost of each kind of thing, then the total";
  br.running = "the money spent so far";
  br.compare = m->bill > 0 ? "the total with the " + num(m->bill) + "-dollar bill" : "the two costs";
  br.clues = "take the prices one at a time";
  br.check = "each product and sum";
  br.plan = {"Multiply the price of a " + a.one + " by the number of " + a.many + ".",
             "Multiply the price of a " + b.one + " by the number of " + b.many + ".",
             "Add the two costs to get the total."};
  if (m->bill > 0) br.plan.push_back("Subtract the total from the " + num(m->bill) + " dollars.");
  br.plan.push_back(m->bill > 0 ? "Give the change in dollars." : "Give the total in dollars.");
  br.relevant = {ToyRole::Goal, ToyRole::Facts, ToyRole::Steps, ToyRole::Running, ToyRole::Check};
  problem.work = [m](const ToyPerturbation& perturbation) { return work_money(*m, perturbation); };
  return problem;
}

// Time: either durations to add ("1 hour and 20 minutes" + "45 minutes") or the minutes between
// two clock times of the same morning or afternoon. Both are a list of parts and a total.
struct TimeParts {
  const ToyPerson* person = nullptr;
  std::vector<std::string> labels;  // step text up to " = N minutes." or " is N minutes."
  std::vector<long> minutes;
  std::vector<bool> computed;  // the step shows a calculation ("1 * 60 + 20 = 80")
};

std::optional<ToyWorked> work_time(const TimeParts& t, const ToyPerturbation& p) {
  ToyWorked worked;
  const long slip = p.kind == ToyInjection::WrongStep ? p.delta * 5 : 0;  // five minutes off
  std::vector<std::string> parts;
  long total = 0;
  for (size_t i = 0; i < t.labels.size(); ++i) {
    const bool here = p.step == static_cast<int>(i);
    if (here && p.kind == ToyInjection::SkippedStep) continue;
    long value = t.minutes[i] + (here ? slip : 0);
    if (value < 0) return std::nullopt;
    worked.steps.push_back(t.labels[i] + (t.computed[i] ? " = " : " ") + num(value) + " minutes.");
    parts.push_back(num(value));
    total += value;
  }
  const bool last = p.step == static_cast<int>(t.labels.size());
  if (last && p.kind == ToyInjection::SkippedStep) return std::nullopt;
  total += last ? slip : 0;
  if (parts.empty() || total < 0) return std::nullopt;
  worked.steps.push_back("In total that is " + join(parts, " + ") +
                         (parts.size() > 1 ? " = " + num(total) : std::string()) + " minutes.");
  worked.final_answer = num(total);
  return worked;
}

std::string clock(long hour, long minute) { return num(hour) + ":" + (minute < 10 ? "0" : "") + num(minute); }

ToyProblem make_time(ToyRng& rng) {
  auto t = std::make_shared<TimeParts>();
  t->person = pick_people(rng, 1)[0];
  const ToyPerson& p = *t->person;
  ToyProblem problem;
  Question& q = problem.question;
  ToyBrief& br = problem.brief;
  if (rng.chance(0.5)) {
    static const std::vector<std::pair<std::string, std::string>> activities = {
        {"reads", "reading"}, {"plays", "playing"}, {"walks", "walking"}, {"cooks", "cooking"}, {"draws", "drawing"}};
    std::vector<std::string> spans;
    for (int index : rng.distinct(rng.uniform(2, 3), static_cast<int>(activities.size()))) {
      const auto& [verb, noun] = activities[static_cast<size_t>(index)];
      const int form = rng.uniform(0, 2);
      const long hours = rng.uniform(1, 2), mins = 5L * rng.uniform(2, 11);
      const std::string h = num(hours) + (hours == 1 ? " hour" : " hours");
      const std::string lead = capitalize(noun) + " takes ";
      if (form == 0) {
        spans.push_back(verb + " for " + h + " and " + num(mins) + " minutes");
        t->labels.push_back(lead + num(hours) + " * 60 + " + num(mins));
        t->minutes.push_back(hours * 60 + mins);
      } else if (form == 1) {
        spans.push_back(verb + " for " + num(mins) + " minutes");
        t->labels.push_back(lead + "exactly");
        t->minutes.push_back(mins);
      } else {
        spans.push_back(verb + " for " + h);
        t->labels.push_back(lead + num(hours) + " * 60");
        t->minutes.push_back(hours * 60);
      }
      t->computed.push_back(form != 1);
    }
    q.question = p.name + " " + spans[0];
    for (size_t i = 1; i < spans.size(); ++i) q.question += (i + 1 == spans.size() ? " and then " : ", then ") + spans[i];
    q.question += ". How many minutes does " + p.subject + " spend in total?";
    br.goal = "how many minutes " + p.name + " spends in total";
    br.facts = "the time of each of the " + num(static_cast<long>(spans.size())) + " activities";
    br.steps = "one step for each activity, then the total";
    br.plan = {"Turn each time into minutes, with 60 minutes in an hour.", "Add the minutes together.",
               "Give the total number of minutes."};
  } else {
    static const std::vector<std::pair<std::string, std::string>> tasks = {
        {"work", "work"}, {"read", "read"}, {"play", "play"}};
    const auto& [verb, base] = rng.pick(tasks);
    const long sh = rng.uniform(1, 8), sm = 5L * rng.uniform(1, 11);
    const long eh = rng.uniform(static_cast<int>(sh) + 1, static_cast<int>(std::min<long>(sh + 3, 11)));
    const long em = 5L * rng.uniform(eh == sh + 1 ? 1 : 0, 11);
    t->labels.push_back("From " + clock(sh, sm) + " to " + clock(sh + 1, 0) + " is 60 - " + num(sm));
    t->minutes.push_back(60 - sm);
    t->computed.push_back(true);
    if (eh > sh + 1) {
      t->labels.push_back("From " + clock(sh + 1, 0) + " to " + clock(eh, 0) + " is " + num(eh - sh - 1) + " * 60");
      t->minutes.push_back((eh - sh - 1) * 60);
      t->computed.push_back(true);
    }
    if (em > 0) {
      t->labels.push_back("From " + clock(eh, 0) + " to " + clock(eh, em) + " is");
      t->minutes.push_back(em);
      t->computed.push_back(false);
    }
    q.question = p.name + " starts to " + verb + " at " + clock(sh, sm) + " and stops at " + clock(eh, em) +
                 ". How many minutes does " + p.subject + " " + base + "?";
    br.goal = "how many minutes pass from " + clock(sh, sm) + " to " + clock(eh, em);
    br.facts = "the start time " + clock(sh, sm) + " and the end time " + clock(eh, em);
    br.steps = "go to the next full hour, then the full hours, then the last minutes";
    br.plan = {"Count the minutes up to the next full hour.", "Add 60 minutes for each full hour after that.",
               "Add the minutes after the last full hour.", "Give the total number of minutes."};
  }
  long total = 0;
  for (long m : t->minutes) total += m;
  q.answer = num(total);
  q.answer_type = AnswerType::Number;
  problem.step_count = static_cast<int>(t->labels.size()) + 1;
  br.running = "the minutes counted so far";
  br.compare = "the total with the times in the question";
  br.clues = "take the times one at a time";
  br.check = "each change from hours to minutes";
  br.relevant = {ToyRole::Goal, ToyRole::Facts, ToyRole::Steps, ToyRole::Running, ToyRole::Check};
  problem.work = [t](const ToyPerturbation& perturbation) { return work_time(*t, perturbation); };
  return problem;
}

}  // namespace

ToyProblem make_money_problem(ToyRng& rng) { return make_money(rng); }
ToyProblem make_time_problem(ToyRng& rng) { return make_time(rng); }

}  // namespace regenesis
