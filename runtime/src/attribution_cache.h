// On-disk cache of ProbeAttribution, one file per module build:
// <dir>/<cache key>.itrmap. An entry is verified, never trusted: it is used
// only when its checksum, computed over all of its content and seeded with
// what it belongs to (the module's cache key, i.e. its build-id, and its
// pc-table as file addresses), matches, and when every index in it is in
// range. Anything else is a miss (the DWARF pass runs again and rewrites
// the entry); a failed write only costs the next run that pass. The
// directory is bounded in size and age (itr/cache_directory.h).
#ifndef ITR_RUNTIME_ATTRIBUTION_CACHE_H_
#define ITR_RUNTIME_ATTRIBUTION_CACHE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "module_registry.h"
#include "probe_attribution.h"

namespace itr::runtime {

// The module an entry belongs to.
struct AttributionOwner {
  std::string key;                    // ModuleIdentity::cache_key
  const PcTableEntry* pcs = nullptr;  // its pc-table (null: none)
  size_t probes = 0;
  uintptr_t load_bias = 0;  // pc - load_bias = the file address
};

// ITR_CACHE_DIR, else $XDG_CACHE_HOME/itr-cpp, else $HOME/.cache/itr-cpp.
std::string AttributionCacheDir();

bool LoadAttribution(const std::string& dir, const AttributionOwner& owner,
                     ProbeAttribution* out);

// Writes atomically (temporary file + rename), then keeps the directory
// within its limits. Returns false on failure.
bool StoreAttribution(const std::string& dir, const AttributionOwner& owner,
                      const ProbeAttribution& attribution);

// The entry format, in memory (what Load and Store read and write; the
// fuzz target's way in). DecodeAttribution verifies as LoadAttribution
// does.
std::string EncodeAttribution(const AttributionOwner& owner,
                              const ProbeAttribution& attribution);
bool DecodeAttribution(std::string_view entry, const AttributionOwner& owner,
                       ProbeAttribution* out);
// Rewrites the checksum of an encoded entry for `owner` (fuzzing reaches
// the structure checks behind it this way). False when too short.
bool ResealAttribution(const AttributionOwner& owner, std::string* entry);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_ATTRIBUTION_CACHE_H_
