#include "data/toy_world.h"

#include <cctype>

namespace regenesis {

const std::vector<ToyPerson>& toy_people() {
  static const std::vector<ToyPerson> people = {
      {"Tom", "he", "him", "his"},   {"Ann", "she", "her", "her"}, {"Ben", "he", "him", "his"},
      {"Mia", "she", "her", "her"},  {"Sam", "he", "him", "his"},  {"Lily", "she", "her", "her"},
      {"Max", "he", "him", "his"},   {"Zoe", "she", "her", "her"},
  };
  return people;
}

const std::vector<std::string>& toy_objects() {
  static const std::vector<std::string> objects = {"apples", "pens", "books", "coins",
                                                   "cards",  "eggs", "balls", "cups"};
  return objects;
}

const std::vector<std::string>& toy_colors() {
  static const std::vector<std::string> colors = {"red", "blue", "green"};
  return colors;
}

std::vector<const ToyPerson*> pick_people(ToyRng& rng, int count) {
  std::vector<const ToyPerson*> out;
  for (int index : rng.distinct(count, static_cast<int>(toy_people().size())))
    out.push_back(&toy_people()[static_cast<size_t>(index)]);
  return out;
}

std::string capitalize(std::string_view text) {
  std::string out(text);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string join_with_and(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace regenesis
