// Where this process's code was compiled from, as its debug information
// says: the repository is where the sources are, not where the process
// runs (a build directory outside the repository, a CI cache directory).
#ifndef ITR_RUNTIME_COMPILE_DIRECTORIES_H_
#define ITR_RUNTIME_COMPILE_DIRECTORIES_H_

#include <string>
#include <vector>

namespace itr::runtime {

// For the executable, then each other loaded object outside /usr and /lib:
// the directory of each compile unit's source file (DW_AT_name) and its
// compilation directory (DW_AT_comp_dir), absolute, in that order, without
// repeats. Reads the first compile units of each object only: what a
// repository search needs, at a bounded cost.
std::vector<std::string> CompileDirectories();

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_COMPILE_DIRECTORIES_H_
