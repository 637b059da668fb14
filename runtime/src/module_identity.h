// Which loaded ELF object holds an address: its path, load bias and build-id.
#ifndef ITR_RUNTIME_MODULE_IDENTITY_H_
#define ITR_RUNTIME_MODULE_IDENTITY_H_

#include <cstdint>
#include <string>

namespace itr::runtime {

struct ModuleIdentity {
  std::string path;         // file on disk (the executable via /proc/self/exe)
  uintptr_t load_bias = 0;  // runtime address = file address + load_bias
  // The PT_LOAD segment holding the address asked about: [begin, end).
  uintptr_t segment_begin = 0;
  uintptr_t segment_end = 0;
  std::string build_id;  // lowercase hex of NT_GNU_BUILD_ID, or empty
  // Stable key for caches: "b<build-id>", or "p<hash of path,size,mtime>"
  // when the object has no build-id.
  std::string cache_key;
};

// Finds the object whose PT_LOAD segments contain `address`. Returns false
// when no loaded object does (e.g. it was unloaded).
bool IdentifyModule(uintptr_t address, ModuleIdentity* out);

// The running executable's path (/proc/self/exe), or "".
std::string ExecutablePath();

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_MODULE_IDENTITY_H_
