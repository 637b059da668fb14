// On-disk cache of ProbeAttribution, one file per module build:
// <dir>/<cache key>.itrmap. A cache entry is only used when its header
// matches (format version, probe count); anything else is a miss, and a
// failed write only costs the next run a DWARF pass.
#ifndef ITR_RUNTIME_ATTRIBUTION_CACHE_H_
#define ITR_RUNTIME_ATTRIBUTION_CACHE_H_

#include <string>

#include "probe_attribution.h"

namespace itr::runtime {

// ITR_CACHE_DIR, else $XDG_CACHE_HOME/itr-cpp, else $HOME/.cache/itr-cpp.
std::string AttributionCacheDir();

bool LoadAttribution(const std::string& dir, const std::string& key,
                     size_t expected_probes, ProbeAttribution* out);

// Writes atomically (temporary file + rename). Returns false on failure.
bool StoreAttribution(const std::string& dir, const std::string& key,
                      const ProbeAttribution& attribution);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_ATTRIBUTION_CACHE_H_
