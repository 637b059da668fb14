// Maps every probe of a module (flag index = pc-table index) to the source
// files and lines it stands for. Built once per module from its DwarfIndex,
// then cached on disk (attribution_cache.h).
//
// Rules (over-approximation is safe for test selection, missing is not):
// - function granularity (every probe is a function entry): all lines of the
//   function's address ranges, which include code inlined from headers;
// - edge granularity: the lines of the block, i.e. of [probe pc, next probe
//   pc) within its function; an entry probe also names every file of its
//   function (line 0 = file only), since pruned blocks have no probe;
// - a probe with no line rows falls back to its compile unit's file, and to
//   kUnknownFile when even that is missing (coverage becomes incomplete).
#ifndef ITR_RUNTIME_PROBE_ATTRIBUTION_H_
#define ITR_RUNTIME_PROBE_ATTRIBUTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "dwarf_index.h"
#include "module_registry.h"

namespace itr::runtime {

struct FileLine {
  uint32_t file;  // index into ProbeAttribution::files, or kUnknownFile
  uint32_t line;  // 1-based; 0 means "the file, no particular line"
  bool operator<(const FileLine& o) const {
    return file != o.file ? file < o.file : line < o.line;
  }
  bool operator==(const FileLine& o) const {
    return file == o.file && line == o.line;
  }
};

inline constexpr uint32_t kUnknownFile = UINT32_MAX;

struct ProbeAttribution {
  bool function_granularity = false;
  std::vector<std::string> files;  // absolute, normalized
  std::vector<uint32_t> offsets;   // probe i: pairs[offsets[i], offsets[i+1])
  std::vector<FileLine> pairs;

  size_t probe_count() const {
    return offsets.empty() ? 0 : offsets.size() - 1;
  }
};

ProbeAttribution AttributeProbes(const DwarfIndex& index,
                                 const PcTableEntry* pcs, size_t count,
                                 uintptr_t load_bias);

// gcc trace-pc fallback: lines of the block holding the call that returns to
// `return_address` (a file address), plus every file of its function.
void AttributeReturnAddress(const DwarfIndex& index, uint64_t return_address,
                            std::vector<FileLine>* out);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_PROBE_ATTRIBUTION_H_
