#include "probe_attribution.h"

#include <algorithm>
#include <numeric>

namespace itr::runtime {

namespace {

void AddFunctionLines(const DwarfIndex& index,
                      const std::vector<DwarfIndex::AddressRange>& ranges,
                      bool files_only, std::vector<FileLine>* out) {
  for (const auto& range : ranges) {
    index.ForEachLineIn(range.begin, range.end,
                        [&](uint32_t file, uint32_t line) {
                          out->push_back({file, files_only ? 0u : line});
                        });
  }
}

void AddFallback(const DwarfIndex& index, uint64_t address,
                 std::vector<FileLine>* out) {
  int64_t unit_file = index.CompileUnitFileAt(address);
  out->push_back(
      {unit_file < 0 ? kUnknownFile : static_cast<uint32_t>(unit_file), 0});
}

void SortUnique(std::vector<FileLine>* lines) {
  std::sort(lines->begin(), lines->end());
  lines->erase(std::unique(lines->begin(), lines->end()), lines->end());
  // A "file only" entry sorts first among its file's entries; drop it when
  // the file also has lines.
  size_t kept = 0;
  for (size_t i = 0; i < lines->size(); ++i) {
    const FileLine& fl = (*lines)[i];
    bool redundant = fl.line == 0 && i + 1 < lines->size() &&
                     (*lines)[i + 1].file == fl.file;
    if (!redundant) (*lines)[kept++] = fl;
  }
  lines->resize(kept);
}

}  // namespace

ProbeAttribution AttributeProbes(const DwarfIndex& index,
                                 const PcTableEntry* pcs, size_t count,
                                 uintptr_t load_bias) {
  ProbeAttribution out;
  out.files = index.files();
  out.function_granularity = count > 0;
  for (size_t i = 0; i < count; ++i) {
    if ((pcs[i].flags & 1) == 0) {
      out.function_granularity = false;
      break;
    }
  }
  // Probe addresses in address order, to find where each block ends.
  std::vector<uint64_t> sorted(count);
  for (size_t i = 0; i < count; ++i) sorted[i] = pcs[i].pc - load_bias;
  std::sort(sorted.begin(), sorted.end());

  out.offsets.reserve(count + 1);
  out.offsets.push_back(0);
  std::vector<FileLine> probe;
  for (size_t i = 0; i < count; ++i) {
    probe.clear();
    uint64_t address = pcs[i].pc - load_bias;
    bool entry = (pcs[i].flags & 1) != 0;
    std::vector<DwarfIndex::AddressRange> function;
    if (entry) function = index.FunctionRangesAt(address);
    if (out.function_granularity) {
      AddFunctionLines(index, function, /*files_only=*/false, &probe);
    } else {
      if (entry) AddFunctionLines(index, function, /*files_only=*/true, &probe);
      auto next = std::upper_bound(sorted.begin(), sorted.end(), address);
      uint64_t function_end = index.FunctionEndAt(address);
      uint64_t end = next != sorted.end() ? *next
                     : function_end != 0  ? function_end
                                          : address + 1;
      if (function_end != 0) end = std::min(end, function_end);
      if (end <= address) end = address + 1;
      index.ForEachLineIn(address, end, [&](uint32_t file, uint32_t line) {
        probe.push_back({file, line});
      });
    }
    if (probe.empty() && !entry) {
      index.ForEachLineIn(address, address + 1,
                          [&](uint32_t file, uint32_t line) {
                            probe.push_back({file, line});
                          });
    }
    if (probe.empty()) AddFallback(index, address, &probe);
    SortUnique(&probe);
    out.pairs.insert(out.pairs.end(), probe.begin(), probe.end());
    out.offsets.push_back(static_cast<uint32_t>(out.pairs.size()));
  }
  return out;
}

void AttributeReturnAddress(const DwarfIndex& index, uint64_t return_address,
                            std::vector<FileLine>* out) {
  // The call instruction precedes the return address.
  uint64_t call = return_address - 1;
  size_t before = out->size();
  index.ForEachLineIn(call, call + 1, [&](uint32_t file, uint32_t line) {
    out->push_back({file, line});
  });
  AddFunctionLines(index, index.FunctionRangesAt(call), /*files_only=*/true,
                   out);
  if (out->size() == before) AddFallback(index, call, out);
}

}  // namespace itr::runtime
