// Where this process's code was compiled from, as its debug information
// says: the repository is where the sources are, not where the process
// runs (a build directory outside the repository, a CI cache directory).
#ifndef ITR_RUNTIME_COMPILE_DIRECTORIES_H_
#define ITR_RUNTIME_COMPILE_DIRECTORIES_H_

#include <string>
#include <vector>

namespace itr::runtime {

struct CompileDirectories {
  // Per object — the executable first, then each other loaded object
  // outside /usr and /lib but itr-cpp's own — the directory of each of its
  // compile units' main source file (DW_AT_name), one entry per unit.
  std::vector<std::vector<std::string>> sources;
  // Their compilation directories (DW_AT_comp_dir), without repeats.
  std::vector<std::string> compilations;
};

// Reads the first compile units of each object only: what a repository
// search needs, at a bounded cost.
CompileDirectories FindCompileDirectories();

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_COMPILE_DIRECTORIES_H_
