// Which start-up code each test depends on. Start-up code — static
// initializers, test registration, main until the session started — runs
// before any test, so any of it could affect any test; tying every test to
// all of it would rerun a whole binary whenever a test file's registration
// moves. The scope (docs/skipper.md, "Code outside tests"):
//   - global, a dependency of every test: the functions of the unit that
//     defines main, and those that change process-wide state
//     (FunctionFlag kFunctionProcessState: setlocale, setenv, signal...),
//     with every start-up function that calls them and that they call;
//   - scoped: a test depends on the start-up functions of the units whose
//     own (not inline) functions it executed, and on those that refer to
//     writable data its code refers to; then on every start-up function
//     that calls those, and on everything all of them call.
// A test file's registration (its static initializer) is therefore a
// dependency of that file's tests only, and a library's static
// initialization of the tests that use that library's code or data.
#ifndef ITR_SKIPPER_BACKEND_STARTUP_SCOPE_H_
#define ITR_SKIPPER_BACKEND_STARTUP_SCOPE_H_

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "skipper/index/function_index.h"

namespace itr::skipper {

// A function of an indexed object.
struct FunctionRef {
  const std::string* object;  // the object's name (ObjectIndexes::ObjectName)
  const FunctionIndex* index;
  uint32_t function;
};

class StartupScope {
 public:
  StartupScope() = default;
  // `functions`: the start-up functions that executed, each once.
  explicit StartupScope(std::vector<FunctionRef> functions);

  // The start-up functions every test depends on.
  const std::vector<FunctionRef>& global() const { return global_; }

  // The other start-up functions that tests executing `executed` depend on.
  const std::vector<FunctionRef>& RelevantTo(
      const std::vector<FunctionRef>& executed);

 private:
  using Key = std::pair<const FunctionIndex*, uint32_t>;
  static std::string DataKey(const FunctionRef& user, uint32_t data);
  std::vector<size_t> Closure(std::vector<size_t> seeds) const;
  void Link();

  std::vector<FunctionRef> functions_;
  std::vector<bool> is_global_;
  std::vector<FunctionRef> global_;
  std::map<Key, size_t> position_;              // function -> member
  std::map<Key, std::vector<size_t>> by_unit_;  // (index, unit)
  std::unordered_map<std::string, std::vector<size_t>> by_data_;
  std::vector<std::vector<size_t>> callers_, callees_;  // among members
  // Closures already computed, by their sorted seeds.
  absl::flat_hash_map<std::vector<size_t>, std::vector<FunctionRef>> relevant_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_STARTUP_SCOPE_H_
