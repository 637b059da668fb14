#include "gtest/gtest.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "sel/limits.h"
#include "sel/text.h"

TEST(Limits, Limit) { EXPECT_EQ(sel::LimitOf(), 16); }
TEST(Limits, Scale) { EXPECT_EQ(sel::ScaleBy(2), 6); }
TEST(Limits, Level) { EXPECT_EQ(sel::ConfigLevel(), 1); }
TEST(Limits, Folded) { EXPECT_EQ(sel::Clamp(15, 0, 10), 10); }
TEST(Text, Greeting) { EXPECT_EQ(sel::Greeting(), "hello"); }
TEST(Text, Alpha) { EXPECT_EQ(sel::Alpha(1), 2); }
TEST(Text, Beta) { EXPECT_EQ(sel::Beta(2), 4); }
TEST(Data, Csv) {
  std::ifstream in(SEL_DATA_DIR "/table.csv");
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 4);
}
TEST(Data, Words) {
  FILE* file = fopen(SEL_DATA_DIR "/words.txt", "r");
  ASSERT_NE(file, nullptr);
  char word[32] = {};
  EXPECT_EQ(fscanf(file, "%31s", word), 1);
  fclose(file);
  EXPECT_EQ(std::string(word), "alpha");
}
TEST(Env, Mode) {
  const char* mode = getenv("SEL_MODE");
  EXPECT_TRUE(mode == nullptr || std::string(mode) == "default");
}
TEST(Registry, Entries) { EXPECT_EQ(sel::RegistryEntries(), 1); }
TEST(Body, Edited) { EXPECT_EQ(1 + 1, 2); }
