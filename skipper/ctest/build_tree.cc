#include "skipper/ctest/build_tree.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "skipper/base/status_macros.h"
#include "skipper/ctest/ctest_listing.h"
#include "skipper/model/test_identity.h"

namespace itr::skipper::ctest {

namespace {

namespace fs = std::filesystem;

// CMakeCache.txt entries "NAME:TYPE=value".
std::map<std::string, std::string> ReadCache(const fs::path& file) {
  std::map<std::string, std::string> entries;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':'), equals = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == '/' ||
        colon == std::string::npos || equals == std::string::npos ||
        colon > equals) {
      continue;
    }
    entries[line.substr(0, colon)] = line.substr(equals + 1);
  }
  return entries;
}

// set(CMAKE_<LANG>_COMPILER_ID "Clang") / _VERSION from CMakeFiles/<v>/.
std::string CompilerIdentity(const fs::path& build_dir,
                             const std::string& lang) {
  std::error_code error;
  std::string found, found_in;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(build_dir / "CMakeFiles", error)) {
    fs::path file = entry.path() / ("CMake" + lang + "Compiler.cmake");
    std::ifstream in(file);
    if (!in) continue;
    std::string id, version, line;
    auto value = [&](const std::string& name) -> std::string {
      std::string prefix = "set(CMAKE_" + lang + "_COMPILER_" + name + " \"";
      if (line.compare(0, prefix.size(), prefix) != 0) return "";
      size_t end = line.find('"', prefix.size());
      return line.substr(prefix.size(), end - prefix.size());
    };
    while (std::getline(in, line)) {
      if (std::string v = value("ID"); !v.empty()) id = v;
      if (std::string v = value("VERSION"); !v.empty()) version = v;
    }
    // Several CMake versions may have configured the tree: keep the newest
    // directory name (they sort as versions do for the same major).
    std::string dir = entry.path().filename().string();
    if (found.empty() || dir > found_in) {
      found = absl::StrCat(id, " ", version);
      found_in = dir;
    }
  }
  return found;
}

}  // namespace

std::string BuildTreeSourceDir(const std::string& build_dir) {
  return ReadCache(fs::path(build_dir) /
                   "CMakeCache.txt")["CMAKE_HOME_DIRECTORY"];
}

std::string BuildTreeCompiler(const std::string& build_dir) {
  std::map<std::string, std::string> cache =
      ReadCache(fs::path(build_dir) / "CMakeCache.txt");
  if (cache.empty()) return "unknown build";
  std::string lang = cache.count("CMAKE_CXX_COMPILER") ? "CXX" : "C";
  std::string identity = CompilerIdentity(build_dir, lang);
  if (identity.empty()) identity = cache["CMAKE_" + lang + "_COMPILER"];
  std::vector<std::string> parts = {identity};
  if (!cache["CMAKE_BUILD_TYPE"].empty()) {
    parts.push_back(cache["CMAKE_BUILD_TYPE"]);
  }
  if (!cache["CMAKE_" + lang + "_FLAGS"].empty()) {
    parts.push_back(cache["CMAKE_" + lang + "_FLAGS"]);
  }
  return absl::StrJoin(parts, " ");
}

std::string BuildTreeModule(const std::string& build_dir,
                            const std::string& repo_root) {
  fs::path dir = fs::path(build_dir).lexically_normal();
  fs::path relative = dir.lexically_relative(repo_root);
  bool inside = !relative.empty() && *relative.begin() != "..";
  std::string name = inside ? relative.string() : dir.string();
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  return "ctest:" + name;
}

std::string BuildTreeOfModule(const std::string& module,
                              const std::string& repo_root) {
  fs::path dir(module.substr(module.find(':') + 1));
  return (dir.is_absolute() ? dir : fs::path(repo_root) / dir)
      .lexically_normal()
      .string();
}

absl::StatusOr<std::map<std::string, std::string>> BuildTreeDefinitions(
    const std::string& ctest, const std::string& build_dir,
    const std::string& repo_root) {
  ITR_ASSIGN_OR_RETURN(std::vector<CtestTest> tests,
                       ListCtestTests(ctest, build_dir, {}));
  std::map<std::string, std::string> definitions;
  for (const CtestTest& test : tests) {
    definitions[TestKey(kCtestSuite, test.name)] =
        TestDefinition(test, build_dir, repo_root);
  }
  return definitions;
}

}  // namespace itr::skipper::ctest
