// ITR_COVERAGE_EXPORT: one JSON object per line, per ended test and for the
// session:
//   {"test": "<id>"|null, "status": "complete"|"incomplete",
//    "files": {"<repo-relative path>": [<lines>]},
//    "external": {"<absolute path>": [<lines>]},
//    "files_read": ["<repo-relative path>"],
//    "env_read": {"<name>": "<XXH3-64 of the value, 16 hex digits>"|null},
//    "error": "..."}
#ifndef ITR_RUNTIME_JSON_EXPORT_H_
#define ITR_RUNTIME_JSON_EXPORT_H_

#include <string>

#include "itr/coverage.h"
#include "read_set.h"

namespace itr::runtime {

// With `executed`, the line also names the executed probes of each object
// ("objects"), and with `startup` those of the start-up phase apart
// ("startup_objects"); `reads`: what the same window read at run time.
std::string CoverageJsonLine(const itr_test_coverage& coverage,
                             const itr_executed* executed = nullptr,
                             const ReadSet& reads = {},
                             const itr_executed* startup = nullptr);

// Appends `line` with a single write(2) on an O_APPEND descriptor, so records
// of a crashing process are never half-written by us and concurrent
// processes do not interleave. Returns false on failure.
bool AppendLine(const std::string& path, const std::string& line);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_JSON_EXPORT_H_
