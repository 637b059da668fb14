// The function indexes (skipper/index) of the objects a module's tests run,
// and the names dependencies give their functions and units:
//   function  "<object>:<identity>"   e.g. "calc_tests:_ZN4calc3SumEi"
//   unit      "<object>:<unit>"       e.g.
//   "libcalc.so:CMakeFiles/calc.dir/sum.cpp.o"
// where <object> is the object file's base name: the same in every checkout
// and build directory, so records move between machines.
#ifndef ITR_SKIPPER_BACKEND_OBJECT_INDEXES_H_
#define ITR_SKIPPER_BACKEND_OBJECT_INDEXES_H_

#include <map>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "skipper/index/function_index.h"
#include "skipper/model/dependency.h"
#include "skipper/model/test_run.h"

namespace itr::skipper {

class ObjectIndexes {
 public:
  explicit ObjectIndexes(IndexLocation location)
      : location_(std::move(location)) {}

  // "calc_tests" for ".../build/calc_tests".
  static std::string ObjectName(absl::string_view path);

  // Where the object of that name is now (the live objects of this
  // process, or where the store last saw it); later calls do not override.
  void KnowPath(const std::string& path, const std::string& build_id);

  // The index of `object` as it executed (path and build-id), or nullptr
  // with *why set. Only fingerprinted indexes are returned.
  const FunctionIndex* ForExecuted(const ExecutedObject& object,
                                   std::string* why);

  // The dependency keys of a function or unit of the object named `object`.
  static std::string FunctionKey(const std::string& object,
                                 const FunctionIndex& index, uint32_t function);
  static std::string UnitKey(const std::string& object,
                             const FunctionIndex& index, uint32_t unit);

  // What a function or unit dependency's key names now: its fingerprint
  // (32 hex digits), or "" when the object, its index or the name is
  // gone.
  std::string CurrentFingerprint(const Dependency& dep);
  // "calc::Sum(int) in CMakeFiles/calc.dir/sum.cpp.o" for a function key.
  std::string Describe(const Dependency& dep);

  // Objects whose index could not be used, with why (for messages).
  const std::map<std::string, std::string>& problems() const {
    return problems_;
  }

 private:
  struct Loaded {
    std::shared_ptr<const FunctionIndex> index;
    std::string why;  // when index is null
    // Built on first use: identity -> function, unit name -> unit.
    absl::flat_hash_map<absl::string_view, uint32_t> functions;
    absl::flat_hash_map<absl::string_view, uint32_t> units;
  };
  Loaded* Load(const std::string& path, const std::string& build_id);
  Loaded* ByName(absl::string_view object);
  static void BuildLookups(Loaded* loaded);

  IndexLocation location_;
  std::map<std::string, std::pair<std::string, std::string>> paths_;
  std::map<std::string, std::unique_ptr<Loaded>> loaded_;  // by path
  std::map<std::string, std::string> problems_;
};

// Readable C++ name of a linkage name ("_ZN4calc3SumEi" -> "calc::Sum(int)"),
// keeping a "@unit" suffix of local names; the name itself when it is not
// a mangled one.
std::string Demangled(absl::string_view identity);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_OBJECT_INDEXES_H_
