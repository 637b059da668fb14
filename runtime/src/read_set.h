// What one window of read tracking read, copied out of the tracker (for the
// export line).
#ifndef ITR_RUNTIME_READ_SET_H_
#define ITR_RUNTIME_READ_SET_H_

#include <cstdint>
#include <string>
#include <vector>

namespace itr::runtime {

struct EnvReadValue {
  std::string name;
  bool is_set = false;
  uint64_t value_hash = 0;  // XXH3-64 of the value, 0 when unset
};

struct ReadSet {
  std::vector<std::string> files;  // repository-relative, sorted
  std::vector<EnvReadValue> env;   // sorted by name, one per name
  bool incomplete = false;         // something read could not be recorded
  std::string reason;
};

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_READ_SET_H_
