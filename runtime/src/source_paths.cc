#include "source_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

#include "compile_directories.h"

namespace itr::runtime {

namespace {

std::string Canonical(const std::string& path) {
  char buffer[PATH_MAX];
  if (realpath(path.c_str(), buffer) == nullptr) return "";
  return buffer;
}

std::string CurrentDirectory() {
  char buffer[PATH_MAX];
  if (getcwd(buffer, sizeof(buffer)) == nullptr) return "/";
  return buffer;
}

// The nearest ancestor of `start` (itself included) holding ".git", or "".
std::string GitAncestor(const std::string& start) {
  for (std::string dir = start; !dir.empty();) {
    struct stat st {};
    if (stat((dir + "/.git").c_str(), &st) == 0) return dir;
    if (dir == "/") break;
    size_t slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
  return "";
}

struct FoundRoot {
  std::string root;
  std::string problem;  // "" when found
};

// ITR_REPO_ROOT; else the repository above the working directory; else
// the one above the sources the process's code was compiled from (its
// debug information), for a build directory outside the repository; else
// the working directory, with the problem said.
FoundRoot FindRepositoryRoot() {
  if (const char* env = getenv("ITR_REPO_ROOT"); env != nullptr && *env) {
    std::string root = Canonical(env);
    if (!root.empty()) return {root, ""};
  }
  std::string cwd = Canonical(CurrentDirectory());
  if (cwd.empty()) cwd = "/";
  if (std::string root = GitAncestor(cwd); !root.empty()) return {root, ""};
  for (const std::string& dir : CompileDirectories()) {
    std::string canonical = Canonical(dir);
    std::string root = GitAncestor(canonical.empty() ? dir : canonical);
    if (!root.empty()) return {root, ""};
  }
  return {cwd,
          "no git repository above the working directory (" + cwd +
              ") or the sources this binary was compiled from; test "
              "dependencies are absolute paths and nothing is skipped (set "
              "ITR_REPO_ROOT to the repository)"};
}

const FoundRoot& Found() {
  static const FoundRoot* found = new FoundRoot(FindRepositoryRoot());
  return *found;
}

bool Under(const std::string& path, const std::string& root) {
  if (root == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

}  // namespace

std::string NormalizePath(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(i, slash - i);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (path.empty() || path[0] != '/') {
        parts.push_back(part);
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = slash + 1;
  }
  std::string out = (!path.empty() && path[0] == '/') ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

const std::string& RepositoryRoot() { return Found().root; }

const std::string& RepositoryRootProblem() { return Found().problem; }

SourcePath ClassifySourcePath(const std::string& absolute,
                              const std::string& root) {
  if (Under(absolute, root)) {
    return {absolute.substr(root == "/" ? 1 : root.size() + 1), false};
  }
  std::string canonical = Canonical(absolute);
  if (!canonical.empty() && Under(canonical, root)) {
    return {canonical.substr(root == "/" ? 1 : root.size() + 1), false};
  }
  return {absolute, true};
}

}  // namespace itr::runtime
