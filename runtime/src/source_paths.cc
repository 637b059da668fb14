#include "source_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

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

std::string FindRepositoryRoot() {
  if (const char* env = getenv("ITR_REPO_ROOT"); env != nullptr && *env) {
    std::string root = Canonical(env);
    if (!root.empty()) return root;
  }
  std::string cwd = Canonical(CurrentDirectory());
  if (cwd.empty()) return std::string(1, '/');
  for (std::string dir = cwd;;) {
    struct stat st {};
    if (stat((dir + "/.git").c_str(), &st) == 0) return dir;
    if (dir == "/") break;
    size_t slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
  return cwd;
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

const std::string& RepositoryRoot() {
  static const std::string* root = new std::string(FindRepositoryRoot());
  return *root;
}

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
