// MessagePack encoding of the citestcycle intake's payload (protocol §5.2,
// §5.3): each event is encoded on its own, so that the sink can measure it
// and cut batches, then events are spliced into an envelope
// {version: 1, metadata: {...}, events: [...]}.
#ifndef ITR_SKIPPER_DATADOG_REPORTING_CITESTCYCLE_ENCODING_H_
#define ITR_SKIPPER_DATADOG_REPORTING_CITESTCYCLE_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "itr/test_optimization.h"

namespace itr::datadog::reporting {

// Meta values are cut to this many bytes (the tracers' limit), at a UTF-8
// character boundary.
inline constexpr size_t kMaxMetaValueLength = 5000;

std::string TruncateMetaValue(std::string_view value);

// {type, version, content: {...}}: ids as uint64 (zero ids left out), start
// and duration as int64 ns, error as 0/1, meta values truncated.
std::string EncodeEvent(const Event& event);

// The metadata map, values truncated.
std::string EncodeMetadata(const EventMetadata& metadata);

// Bytes the envelope adds around `metadata` and the events (an upper bound).
inline constexpr size_t kEnvelopeOverhead = 48;

// The envelope around already encoded parts.
std::string AssembleEnvelope(std::string_view encoded_metadata,
                             const std::vector<std::string>& encoded_events);

}  // namespace itr::datadog::reporting

#endif  // ITR_SKIPPER_DATADOG_REPORTING_CITESTCYCLE_ENCODING_H_
