// The coverage intake's payload (protocol §6): line bitmaps and the
// MessagePack {version: 2, coverages: [...]} document, encoded entry by entry
// so that the sink can cut batches.
#ifndef ITR_SKIPPER_DATADOG_REPORTING_COVERAGE_ENCODING_H_
#define ITR_SKIPPER_DATADOG_REPORTING_COVERAGE_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "itr/test_optimization.h"

namespace itr::datadog::reporting {

// Go/.NET/Swift convention (§6.3): line n sets bit 0x80 >> ((n-1) % 8) of
// byte (n-1) / 8; ceil(max line / 8) bytes. Lines < 1 are ignored.
// {1, 3, 10} -> A0 40.
std::string LineBitmap(const std::vector<int>& lines);

// The lines set in `bitmap`, ascending (the inverse of LineBitmap).
std::vector<int> BitmapLines(std::string_view bitmap);

// {test_session_id, test_suite_id, [span_id,] files: [{filename, bitmap}]};
// a leading '/' of a filename is removed, files without lines are sent
// without a bitmap.
std::string EncodeCoverage(const TestCoverage& coverage);

// Bytes the payload adds around the entries (an upper bound).
inline constexpr size_t kCoveragePayloadOverhead = 32;

std::string AssembleCoveragePayload(const std::vector<std::string>& entries);

}  // namespace itr::datadog::reporting

#endif  // ITR_SKIPPER_DATADOG_REPORTING_COVERAGE_ENCODING_H_
