// The small English corpus from which `model init` learns its tokenizer's merges. Written for this
// project (questions with step-by-step answers, stories, chat turns, a little code), compiled into
// the binary so `model init` needs no data file at run time.
#include "model/init_tokenizer.h"

namespace regenesis {

std::string_view init_tokenizer_corpus() {
  static constexpr std::string_view corpus = R"corpus(
The tokenizer of a model made by `regenesis model init` learns its merges from this text. It was
written for the purpose: a little of everything a small reasoning model meets, namely questions,
step by step answers, numbers, short stories, instructions and a few lines of code.

Question: A farmer has 12 cows and buys 7 more. Then he sells 5 of them. How many cows does he have now?
Answer: Let's think step by step. The farmer starts with 12 cows. After buying 7 more he has 12 + 7 = 19 cows.
After selling 5 he has 19 - 5 = 14 cows. The answer is 14.

Question: Sara reads 15 pages of her book every day. How many pages does she read in 6 days?
Answer: Let's think step by step. Each day she reads 15 pages. In 6 days she reads 15 * 6 = 90 pages.
The answer is 90.

Question: A train travels 60 miles in one hour. How far does it travel in 3 hours at the same speed?
Answer: Let's think step by step. The speed is 60 miles per hour. In 3 hours the train travels
60 * 3 = 180 miles. The answer is 180.

Question: Tom had 45 marbles. He gave one third of them to his sister. How many marbles does Tom have left?
Answer: Let's think step by step. One third of 45 is 45 / 3 = 15. Tom gave away 15 marbles, so he has
45 - 15 = 30 marbles left. The answer is 30.

Question: A shop sells pencils in boxes of 8. A teacher needs 100 pencils. How many boxes must she buy?
Answer: Let's think step by step. 100 / 8 = 12.5, and the shop only sells whole boxes. Twelve boxes hold
96 pencils, which is not enough, so she must buy 13 boxes. The answer is 13.

Question: The price of a shirt is 40 dollars. It is on sale for 25 percent off. What is the sale price?
Answer: Let's think step by step. 25 percent of 40 is 0.25 * 40 = 10. The sale price is 40 - 10 = 30 dollars.
The answer is 30.

Question: If 3 apples cost 1.50 dollars, how much do 10 apples cost?
Answer: Let's think step by step. One apple costs 1.50 / 3 = 0.50 dollars. Ten apples cost 10 * 0.50 = 5 dollars.
The answer is 5.

Question: Which is heavier, a kilogram of feathers or a kilogram of iron?
Answer: Let's think step by step. Both weigh one kilogram, so neither is heavier. They weigh the same.

Question: Is the sum of two odd numbers always even?
Answer: Let's think step by step. An odd number can be written as 2a + 1 and another as 2b + 1. Their sum is
2a + 2b + 2 = 2(a + b + 1), which is two times a whole number, so it is even. The answer is yes.

Question: What is the next number in the sequence 2, 4, 8, 16?
Answer: Each number is twice the one before it. The next number is 16 * 2 = 32. The answer is 32.

Question: A rectangle is 9 meters long and 4 meters wide. What is its area and its perimeter?
Answer: The area is length times width: 9 * 4 = 36 square meters. The perimeter is two times the sum of
length and width: 2 * (9 + 4) = 26 meters.

Question: Which of the following is a mammal? (A) shark (B) dolphin (C) trout (D) octopus
Answer: A mammal breathes air and feeds its young with milk. Sharks and trout are fish and an octopus is a
mollusk. A dolphin breathes air and feeds its calves with milk. The answer is (B).

Question: Can a person see a star that no longer exists?
Answer: Light from a distant star takes many years to reach us. If the star ended after the light left it,
we still see the light. So yes, a person can see a star that no longer exists.

To solve a problem, first read it carefully and find what is being asked. Write down what you know and
what you need to find. Break the problem into smaller steps and solve each step in order. Check each
result before you use it in the next step. At the end, read the question again and make sure the final
answer answers it, with the right units.

Good reasoning is clear and simple. State each fact you use. When you are not sure, test a small example.
If two methods give different answers, one of them has a mistake; find it before you go on. Compare the
answer with a rough estimate: if the estimate is about 200 and the answer is 2000, something went wrong.

Some problems are easier when you work backwards from the goal. Others become simple when you draw a
picture, make a table, or look for a pattern. A problem about rates often needs the relation distance
equals speed times time. A problem about parts of a whole often needs fractions or percentages.

Once upon a time there was a small robot who lived in a quiet town by the sea. Every morning the robot
walked to the harbor and counted the boats. One day it counted eleven boats instead of ten. The robot was
curious, so it walked along the water until it found the new boat. An old sailor sat on the deck and
smiled. "I came from far away," he said, "and I will leave tomorrow." The robot asked him about the
places he had seen, and the sailor told stories until the sun went down. The next morning there were ten
boats again, but the robot remembered every story, and it told them to the children of the town.

There was once a girl named Maya who loved to build things. She built a bridge out of sticks for her toy
cars and a tower out of blocks that was taller than her little brother. When the tower fell down, she
did not cry. She looked at the pieces and thought about why it fell. The base was too narrow. So she
built it again with a wider base, and this time it stood. Her father said, "You learned more from the
tower that fell than from the one that stood." Maya laughed and started to plan an even taller one.

In the forest lived a fox, a rabbit and an owl. The fox was fast, the rabbit was clever and the owl was
wise. One winter the river froze and the animals could not reach their food on the other side. The fox
wanted to run across the ice, but the owl said the ice was thin near the middle. The rabbit found a path
of stones under the snow, and they crossed together, one step at a time.

User: Can you help me plan a study schedule for my exams?
Assistant: Of course. First, list your exams with their dates. Then estimate how many hours each subject
needs. Spread the hours over the days before each exam, and put the hardest subjects early in the day
when you are most focused. Leave one short break every hour and one free evening each week. Would you
like me to make a table for the next two weeks?

User: What is the capital of France?
Assistant: The capital of France is Paris.

User: Explain why the sky is blue in one or two sentences.
Assistant: Sunlight contains all colors, and the air scatters short blue waves much more than long red
ones. That scattered blue light reaches our eyes from every part of the sky, so the sky looks blue.

User: Write a short poem about the rain.
Assistant: Soft rain on the window, a quiet gray song; the street turns to silver, the day moves along.

User: How do I convert a temperature from Celsius to Fahrenheit?
Assistant: Multiply the Celsius value by 9, divide by 5, and add 32. For example, 20 degrees Celsius is
20 * 9 / 5 + 32 = 68 degrees Fahrenheit.

User: Summarize the main idea of the following paragraph.
Assistant: The paragraph says that practice matters more than talent: people who practice every day
improve faster than people who rely only on natural ability.

def add(a, b):
    return a + b

def mean(values):
    if not values:
        return 0
    return sum(values) / len(values)

for i in range(10):
    print(i, i * i)

int main() {
    int total = 0;
    for (int i = 1; i <= 100; ++i) total += i;
    printf("%d\n", total);
    return 0;
}

{"question": "What is 7 times 8?", "answer": "56", "answer_type": "number"}
{"question": "Is water wet?", "answer": "yes", "answer_type": "yesno"}

Numbers: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 30 40 50 60 70 80 90 100
1000 2024 3.14 0.5 1/2 3/4 25% 50% 75% 100%. Operations: plus, minus, times, divided by, equals.
Symbols: + - * / = < > ( ) [ ] { } # $ % & ' " , . : ; ? ! _ ~ ^ | @ \

A reasoning structure is a plan for solving a task. It may say: identify the key quantities, find the
relations between them, compute the intermediate values, and verify the final answer. A general
guideline such as "break the problem into smaller parts" becomes useful only after it is adapted to the
task at hand. For a word problem, the adapted guideline might say: "first find the number of items in
each group, then multiply by the number of groups." For a question about science, it might say: "recall
the relevant law, then apply it to the situation described."

The model writes many different reasoning paths for each question. Some paths reach the correct answer
and some do not. The paths that reach the correct answer are kept and used as training data. Over time,
the model learns from its own correct reasoning, and its accuracy improves on new questions that it has
never seen before, both in the same domain and in other domains.

When the model cannot find any correct path for a question, it may receive a hint: the correct answer,
without the solution. It then writes a new path that leads to that answer. The hint is removed before the
path is used for training, so the model learns to reason without it.

Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday. January, February, March, April, May,
June, July, August, September, October, November, December. Red, orange, yellow, green, blue, purple,
black, white, brown, gray. North, south, east, west. First, second, third, fourth, fifth, last.

The quick brown fox jumps over the lazy dog. A journey of a thousand miles begins with a single step.
Measure twice and cut once. Many hands make light work. Practice makes progress. Think before you speak.

Question: Anna is 8 years older than her brother. In 5 years the sum of their ages will be 40. How old is
Anna now?
Answer: Let's think step by step. Let the brother's age be b. Then Anna is b + 8. In 5 years their ages are
b + 5 and b + 13, and the sum is 2b + 18 = 40, so 2b = 22 and b = 11. Anna is 11 + 8 = 19 years old.
The answer is 19.

Question: A tank holds 500 liters of water. A pipe fills it at 20 liters per minute. How long does it take
to fill the empty tank?
Answer: Let's think step by step. The time is the volume divided by the rate: 500 / 20 = 25 minutes.
The answer is 25.

Question: There are 24 students in a class. Half of them play soccer and a third of them play chess. Two
students play both. How many students play neither?
Answer: Let's think step by step. Half of 24 is 12 students who play soccer. A third of 24 is 8 students who
play chess. Students who play at least one game: 12 + 8 - 2 = 18. Students who play neither: 24 - 18 = 6.
The answer is 6.

Question: If all roses are flowers and some flowers fade quickly, do all roses fade quickly?
Answer: Let's think step by step. We only know that some flowers fade quickly. Those flowers may or may not
be roses, so we cannot conclude that all roses fade quickly. The answer is no.
)corpus";
  return corpus.substr(1);  // drop the newline after the opening delimiter
}

}  // namespace regenesis
