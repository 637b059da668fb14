// What a test (or the code outside tests) executed as itr_executed: the
// executed probes of each instrumented object, as addresses of its file.
// Built from the recorder's per-module lists after a collection; owns every
// array it hands out until it is cleared (the identities it points into
// belong to the recorder and live as long as the process).
#ifndef ITR_RUNTIME_EXECUTED_PROBES_H_
#define ITR_RUNTIME_EXECUTED_PROBES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "itr/coverage.h"
#include "module_identity.h"

namespace itr::runtime {

class ExecutedProbes {
 public:
  void Clear();
  // The executed code is not fully known; the first reason is kept.
  void Incomplete(const std::string& why);
  void Add(const ModuleIdentity& object, uint64_t file_address);
  // Sorts and deduplicates each object's addresses; `available`: some
  // module is instrumented at all.
  itr_executed* Finish(bool available);
  const itr_executed* result() const { return &c_; }

 private:
  struct Object {
    const ModuleIdentity* identity = nullptr;
    std::vector<uint64_t> addresses;
  };
  std::vector<Object> objects_;  // the first used_ are this result's
  size_t used_ = 0;
  std::vector<itr_object_probes> c_objects_;
  std::string error_;
  bool incomplete_ = false;
  itr_executed c_{};
};

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_EXECUTED_PROBES_H_
