// Runs Datadog's shared CI environment fixtures (one JSON file per provider,
// each an array of [environment, expected tags]) against DetectCiTags and
// the DD_GIT_* overrides. Only the given variables are visible, and the
// local repository is never read, so the machine running the test cannot
// leak into the result.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "skipper/ci/ci_tags.h"
#include "skipper/git/git_metadata.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

struct FixtureCase {
  std::string name;  // <provider>_<index>
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> expected;
};

fs::path FixturesDir() {
  const char* overridden = std::getenv("ITR_CI_FIXTURES_DIR");
  return overridden != nullptr && *overridden != '\0' ? overridden
                                                      : ITR_CI_FIXTURES_DIR;
}

std::string TestName(std::string stem, size_t index) {
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return stem + "_" + std::to_string(index);
}

std::map<std::string, std::string> StringMap(const nlohmann::json& object) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : object.items()) {
    out[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return out;
}

std::vector<FixtureCase> LoadCases() {
  std::vector<FixtureCase> cases;
  std::error_code error;
  if (!fs::is_directory(FixturesDir(), error)) return cases;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(FixturesDir(), error)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    nlohmann::json pairs = nlohmann::json::parse(in, nullptr, false);
    if (!pairs.is_array()) {
      // Surfaces as a failing case rather than a silently smaller suite.
      cases.push_back({TestName(file.stem().string(), 0) + "_unparsable",
                       {},
                       {{"_unparsable_fixture", file.string()}}});
      continue;
    }
    for (size_t i = 0; i < pairs.size(); ++i) {
      cases.push_back({TestName(file.stem().string(), i),
                       StringMap(pairs[i][0]), StringMap(pairs[i][1])});
    }
  }
  return cases;
}

const std::vector<FixtureCase>& Cases() {
  static const std::vector<FixtureCase> cases = LoadCases();
  return cases;
}

// JSON array of labels, compared as a multiset.
std::vector<std::string> SortedLabels(const std::string& text) {
  nlohmann::json array = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> labels;
  if (array.is_array()) {
    for (const auto& label : array) labels.push_back(label.dump());
  } else {
    labels.push_back("<not a JSON array: " + text + ">");
  }
  std::sort(labels.begin(), labels.end());
  return labels;
}

// Keeps GoogleTest from printing the case as bytes.
void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.name; }

class CiEnvFixture : public testing::TestWithParam<FixtureCase> {};

TEST_P(CiEnvFixture, ProducesTheExpectedTags) {
  const FixtureCase& c = GetParam();
  GetEnv getenv = [&](const char* name) -> const char* {
    auto it = c.env.find(name);
    return it == c.env.end() ? nullptr : it->second.c_str();
  };
  ListEnv list_env = [&] {
    std::vector<std::string> names;
    for (const auto& [name, value] : c.env) names.push_back(name);
    return names;
  };
  // No repository path: local git stays out of the fixtures.
  Tags tags = CollectEnvironmentTags(getenv, list_env, /*repo_path=*/"");

  for (const auto& [key, expected] : c.expected) {
    auto it = tags.find(key);
    std::string actual = it == tags.end() ? "<absent>" : it->second;
    if (key == "ci.node.labels" && it != tags.end()) {
      EXPECT_EQ(SortedLabels(actual), SortedLabels(expected)) << key;
    } else if (key == "_dd.ci.env_vars" && it != tags.end()) {
      EXPECT_EQ(nlohmann::json::parse(actual, nullptr, false),
                nlohmann::json::parse(expected, nullptr, false))
          << key << ": " << actual << " vs " << expected;
    } else {
      EXPECT_EQ(actual, expected) << key;
    }
  }
  for (const auto& [key, value] : tags) {
    // codebuild.json (dd-trace-py's older copy of awscodepipeline.json) has
    // the same environments but predates ci.job.id, which
    // awscodepipeline.json expects: the one known conflict between files.
    if (c.name.rfind("codebuild_", 0) == 0 && key == "ci.job.id") continue;
    EXPECT_TRUE(c.expected.count(key) > 0 || value.empty())
        << "unexpected tag " << key << "=" << value;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CiEnvFixture, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<FixtureCase>& info) {
                           return info.param.name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CiEnvFixture);

TEST(CiEnvFixtures, AreAvailable) {
  std::error_code error;
  if (!fs::is_directory(FixturesDir(), error)) {
    GTEST_SKIP() << "CI fixtures not found at " << FixturesDir()
                 << " (set ITR_CI_FIXTURES_DIR); the fixture cases did not "
                    "run";
  }
  EXPECT_FALSE(Cases().empty()) << "no fixture cases in " << FixturesDir();
  std::cout << Cases().size() << " fixture cases from " << FixturesDir()
            << "\n";
}

}  // namespace
}  // namespace itr::skipper
