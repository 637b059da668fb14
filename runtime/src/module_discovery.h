// Finds instrumented modules whose SanitizerCoverage init calls never
// reached this runtime.
//
// The init hooks are resolved by the dynamic linker like any symbol, and a
// sanitizer runtime linked into the executable (ASan, UBSan standalone)
// carries weak no-op definitions of them that win over ours. The flag and
// pc-table arrays are still there, in each object's __sancov_bools and
// __sancov_pcs sections: this reads the section headers from the object's
// file and registers what the hooks missed.
#ifndef ITR_RUNTIME_MODULE_DISCOVERY_H_
#define ITR_RUNTIME_MODULE_DISCOVERY_H_

namespace itr::runtime {

class ModuleRegistry;

// Registers the instrumented objects that are loaded but not registered.
// Cheap when no object was loaded since the last call (glibc's load counter).
void DiscoverUnregisteredModules(ModuleRegistry& registry);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_MODULE_DISCOVERY_H_
