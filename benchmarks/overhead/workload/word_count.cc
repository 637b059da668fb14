// Word counting with std::unordered_map<std::string, int>.
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "cases.h"
#include "random.h"

namespace workload {

namespace {

constexpr const char* kVocabulary[] = {
    "alpha",  "bravo",   "charlie", "delta",  "echo",   "foxtrot", "golf",
    "hotel",  "india",   "juliet",  "kilo",   "lima",   "mike",    "november",
    "oscar",  "papa",    "quebec",  "romeo",  "sierra", "tango",   "uniform",
    "victor", "whiskey", "xray",    "yankee", "zulu",   "apple",   "banana",
    "cherry", "damson",  "elder",   "fig",    "grape",  "hazel",   "ilama",
    "jujube", "kiwi",    "lemon",   "mango",  "nectar", "olive",   "peach"};
constexpr int kVocabularySize =
    static_cast<int>(sizeof(kVocabulary) / sizeof(kVocabulary[0]));
constexpr const char* kMissingWords[] = {"absent", "nothing", "void", "zero"};

std::string MakeText(uint32_t seed, int words) {
  Random random(seed);
  std::string text;
  for (int i = 0; i < words; ++i) {
    std::string word = kVocabulary[random.Below(kVocabularySize)];
    if (random.Below(8) == 0) word[0] = static_cast<char>(toupper(word[0]));
    text += word;
    switch (random.Below(10)) {
      case 0:
        text += ", ";
        break;
      case 1:
        text += ". ";
        break;
      default:
        text += ' ';
    }
  }
  return text;
}

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (isalpha(static_cast<unsigned char>(c))) {
      current += static_cast<char>(tolower(static_cast<unsigned char>(c)));
    } else if (!current.empty()) {
      words.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(current);
  return words;
}

}  // namespace

uint64_t WordCountCase(uint32_t seed) {
  std::unordered_map<std::string, int> counts;
  for (const std::string& word : SplitWords(MakeText(seed, 3000))) {
    ++counts[word];
  }
  uint64_t result = counts.size();
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < kVocabularySize; ++i) {
      auto it = counts.find(kVocabulary[i]);
      result = Mix(result, it == counts.end() ? 0 : it->second * (i + 1));
    }
    for (const char* missing : kMissingWords) {
      result = Mix(result, counts.count(missing));
    }
  }
  return result;
}

}  // namespace workload
