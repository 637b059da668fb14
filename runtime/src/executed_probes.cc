#include "executed_probes.h"

#include <algorithm>

namespace itr::runtime {

void ExecutedProbes::Clear() {
  // The address lists keep their capacity: after the first tests, adding
  // a probe allocates nothing.
  for (Object& object : objects_) object.addresses.clear();
  used_ = 0;
  c_objects_.clear();
  error_.clear();
  incomplete_ = false;
  c_ = itr_executed{};
}

void ExecutedProbes::Incomplete(const std::string& why) {
  if (!incomplete_) error_ = why;
  incomplete_ = true;
}

void ExecutedProbes::Add(const ModuleIdentity& object, uint64_t file_address) {
  // Few objects per process: a linear search beats a map here.
  for (size_t i = 0; i < used_; ++i) {
    if (objects_[i].identity == &object) {
      objects_[i].addresses.push_back(file_address);
      return;
    }
  }
  if (used_ == objects_.size()) objects_.emplace_back();
  Object& added = objects_[used_++];
  added.identity = &object;
  added.addresses.push_back(file_address);
}

itr_executed* ExecutedProbes::Finish(bool available) {
  c_objects_.clear();
  for (size_t i = 0; i < used_; ++i) {
    Object& object = objects_[i];
    std::sort(object.addresses.begin(), object.addresses.end());
    object.addresses.erase(
        std::unique(object.addresses.begin(), object.addresses.end()),
        object.addresses.end());
    c_objects_.push_back({object.identity->path.c_str(),
                          object.identity->build_id.c_str(),
                          object.addresses.data(), object.addresses.size()});
  }
  c_.status = !available    ? ITR_COVERAGE_UNAVAILABLE
              : incomplete_ ? ITR_COVERAGE_INCOMPLETE
                            : ITR_COVERAGE_COMPLETE;
  c_.error = incomplete_ ? error_.c_str() : nullptr;
  c_.objects = c_objects_.data();
  c_.object_count = c_objects_.size();
  return &c_;
}

}  // namespace itr::runtime
