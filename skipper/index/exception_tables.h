// The exception table (LSDA) of each function. The FDE of a function in
// .eh_frame carries the relocation of its pc_begin (-> the function) and,
// when its CIE has an 'L' augmentation, a second one into
// .gcc_except_table: the LSDA. Its type table names the caught types
// through DW.ref / stub pointers, so catch(A&) -> catch(B&) changes only
// the LSDA.
#ifndef ITR_SKIPPER_INDEX_EXCEPTION_TABLES_H_
#define ITR_SKIPPER_INDEX_EXCEPTION_TABLES_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "skipper/index/object_layout.h"

namespace itr::skipper::index_internal {

struct LsdaRange {
  uint64_t lo = 0, hi = 0;
};

class ExceptionTables {
 public:
  explicit ExceptionTables(const ObjectLayout& layout);

  // The LSDA of the function starting at `function_start`: from its start
  // up to the next LSDA (or the end of its input section); false if none.
  bool LsdaOf(uint64_t function_start, LsdaRange* range) const;

 private:
  void ReadFde(uint64_t lo, uint64_t hi, uint64_t header,
               const ElfSection& except_table);

  const ObjectLayout& layout_;
  absl::flat_hash_map<uint64_t, uint64_t> lsda_of_;  // function -> LSDA
  std::vector<uint64_t> lsda_starts_;  // sorted, with the table's end
};

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_EXCEPTION_TABLES_H_
