// Source paths as reported to users: repository-relative for files inside
// the repository root, absolute (and flagged external) for the rest.
#ifndef ITR_RUNTIME_SOURCE_PATHS_H_
#define ITR_RUNTIME_SOURCE_PATHS_H_

#include <string>

namespace itr::runtime {

// Lexical normalization of an absolute path: collapses "//", "/./" and
// "dir/..". Does not touch the file system.
std::string NormalizePath(const std::string& path);

// ITR_REPO_ROOT if set, else the repository (the nearest ancestor holding
// ".git") of most source files the process's code was compiled from (debug
// information), else that of the working directory, else the working
// directory. Resolved once, canonical.
const std::string& RepositoryRoot();

// Why RepositoryRoot() is only the working directory: no repository was
// found (one line), or "".

struct SourcePath {
  std::string path;  // repo-relative, or absolute when external
  bool external;
};

// Classifies an absolute, normalized path against `root` (canonical).
// Symlinked directories are resolved before giving up on a path.
SourcePath ClassifySourcePath(const std::string& absolute,
                              const std::string& root);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_SOURCE_PATHS_H_
