// itr index <object>...: the function index of each linked object, built
// from the object (linked with -Wl,--emit-relocs) and its GNU ld map
// <object>.itr.map, written beside it as <object>.itridx. itr_instrument()
// runs it after every link (see docs/index.md).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "skipper/base/diagnostics.h"
#include "skipper/index/function_index.h"

namespace itr::cli {
namespace {

// Indexes one object; prints its line, returns its exit code.
int IndexObject(const std::string& object) {
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<skipper::FunctionIndex>> index =
      skipper::FunctionIndex::Build(object, object + ".itr.map");
  if (!index.ok()) {
    skipper::ProcessDiagnostics().Info(
        absl::StrCat("cannot index ", object, ": ", index.status().message()));
    return kExitNo;
  }
  absl::Status written = (*index)->WriteFile(object + ".itridx");
  if (!written.ok()) return StoreError("cannot write the index", written);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  const skipper::FunctionIndex& built = **index;
  std::cout << absl::StrFormat(
      "index %s: %d functions, %d units, %s, %.0f ms\n", object,
      built.functions().size(), built.units().size(),
      built.fingerprinted()
          ? std::string("fingerprinted")
          : "not fingerprinted: " + built.not_fingerprinted_reason(),
      ms);
  return kExitOk;
}

}  // namespace

int RunIndex(const Options& options) {
  int exit_code = kExitOk;
  for (const std::string& object : options.positionals) {
    exit_code = std::max(exit_code, IndexObject(object));
  }
  return exit_code;
}

}  // namespace itr::cli
