#include "source_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// The repository holding most of `dirs` (ties: the first), or "".
std::string MostCommonGitAncestor(const std::vector<std::string>& dirs) {
  std::vector<std::pair<std::string, int>> roots;  // in order of appearance
  std::vector<std::pair<std::string, std::string>> known;  // dir -> root
  for (const std::string& dir : dirs) {
    std::string root;
    auto cached = std::find_if(known.begin(), known.end(),
                               [&](const auto& k) { return k.first == dir; });
    if (cached != known.end()) {
      root = cached->second;
    } else {
      std::string canonical = Canonical(dir);
      root = GitAncestor(canonical.empty() ? dir : canonical);
      known.emplace_back(dir, root);
    }
    if (root.empty()) continue;
    auto it = std::find_if(roots.begin(), roots.end(),
                           [&](const auto& r) { return r.first == root; });
    if (it == roots.end()) {
      roots.emplace_back(root, 1);
    } else {
      ++it->second;
    }
  }
  auto best = std::max_element(
      roots.begin(), roots.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  return best == roots.end() ? "" : best->first;
}

// ITR_REPO_ROOT; else the repository holding the sources the process's
// code was compiled from (its debug information: the repository is where
// the sources are, not where the process runs — a build directory outside
// it, or inside another checkout); else the one above the working
// directory, or above the compilation directories; else the working
// directory (the session warns: ItrSession, WarnAboutRepositoryRoot).
std::string FindRepositoryRoot() {
  if (const char* env = getenv("ITR_REPO_ROOT"); env != nullptr && *env) {
    std::string root = Canonical(env);
    if (!root.empty()) return root;
  }
  CompileDirectories compiled = FindCompileDirectories();
  for (const std::vector<std::string>& object : compiled.sources) {
    if (std::string root = MostCommonGitAncestor(object); !root.empty()) {
      return root;
    }
  }
  std::string cwd = Canonical(CurrentDirectory());
  if (cwd.empty()) cwd = "/";
  if (std::string root = GitAncestor(cwd); !root.empty()) return root;
  if (std::string root = MostCommonGitAncestor(compiled.compilations);
      !root.empty()) {
    return root;
  }
  return cwd;
}

const std::string& Found() {
  static const std::string* found = new std::string(FindRepositoryRoot());
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

const std::string& RepositoryRoot() { return Found(); }

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
