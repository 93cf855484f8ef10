#pragma once
// The toy world's small vocabulary: eight people, eight kinds of things, three colours. A tiny
// model sees the same few words again and again, so it can learn the reasoning, not the words.
#include <string>
#include <string_view>
#include <vector>

#include "data/toy_random.h"

namespace regenesis {

struct ToyPerson {
  std::string name;        // "Tom"
  std::string subject;     // "he"
  std::string object;      // "him"
  std::string possessive;  // "his"
};

const std::vector<ToyPerson>& toy_people();
const std::vector<std::string>& toy_objects();  // plural nouns: "apples", "pens", ...
const std::vector<std::string>& toy_colors();   // "red", "blue", "green"

// `count` different people, in random order.
std::vector<const ToyPerson*> pick_people(ToyRng& rng, int count);

// "he" -> "He".
std::string capitalize(std::string_view text);
// "Tom, Ann and Ben".
std::string join_with_and(const std::vector<std::string>& items);

}  // namespace regenesis
