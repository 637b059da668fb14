#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "sel/limits.h"
#include "sel/text.h"

TEST_CASE("Limits.Limit") { CHECK(sel::LimitOf() == 16); }
TEST_CASE("Limits.Scale") { CHECK(sel::ScaleBy(2) == 6); }
TEST_CASE("Limits.Level") { CHECK(sel::ConfigLevel() == 1); }
TEST_CASE("Limits.Folded") { CHECK(sel::Clamp(15, 0, 10) == 10); }
TEST_CASE("Text.Greeting") { CHECK(sel::Greeting() == "hello"); }
TEST_CASE("Text.Alpha") { CHECK(sel::Alpha(1) == 2); }
TEST_CASE("Text.Beta") { CHECK(sel::Beta(2) == 4); }
TEST_CASE("Data.Csv") {
  std::ifstream in(SEL_DATA_DIR "/table.csv");
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  CHECK(lines == 4);
}
TEST_CASE("Data.Words") {
  FILE* file = fopen(SEL_DATA_DIR "/words.txt", "r");
  REQUIRE(file != nullptr);
  char word[32] = {};
  CHECK(fscanf(file, "%31s", word) == 1);
  fclose(file);
  CHECK(std::string(word) == "alpha");
}
TEST_CASE("Env.Mode") {
  const char* mode = getenv("SEL_MODE");
  CHECK((mode == nullptr || std::string(mode) == "default"));
}
TEST_CASE("Registry.Entries") { CHECK(sel::RegistryEntries() == 1); }
TEST_CASE("Body.Edited") { CHECK(1 + 1 == 2); }
