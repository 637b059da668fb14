#include "skipper/ctest/command_files.h"

#include <filesystem>
#include <system_error>

namespace itr::skipper::ctest {

namespace {

namespace fs = std::filesystem;

// `path` relative to `root` when inside it, else "".
std::string Inside(const fs::path& path, const std::string& root) {
  fs::path relative =
      path.lexically_relative(fs::path(root).lexically_normal());
  if (relative.empty() || *relative.begin() == ".." || relative == ".") {
    return "";
  }
  return relative.string();
}

}  // namespace

std::vector<std::string> CommandFiles(const std::vector<std::string>& command,
                                      const std::string& repo_root,
                                      const std::string& build_dir) {
  std::vector<std::string> files;
  for (const std::string& arg : command) {
    if (arg.empty() || arg[0] != '/') continue;
    fs::path path = fs::path(arg).lexically_normal();
    std::error_code error;
    if (!fs::is_regular_file(path, error)) continue;
    if (!Inside(path, build_dir).empty()) continue;
    std::string relative = Inside(path, repo_root);
    if (!relative.empty()) files.push_back(relative);
  }
  return files;
}

}  // namespace itr::skipper::ctest
