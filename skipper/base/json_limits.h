// How deep outside JSON may nest before itr-cpp parses it (a Datadog
// response, a CI event file, a coverage export line). The parsers build a
// tree per level; 200,000 levels cost memory and time for nothing: real
// documents of these kinds nest a handful of levels.
#ifndef ITR_SKIPPER_BASE_JSON_LIMITS_H_
#define ITR_SKIPPER_BASE_JSON_LIMITS_H_

#include <string_view>

namespace itr::skipper {

inline constexpr int kMaxJsonNesting = 64;

// Whether no array or object in `text` lies deeper than `max_depth` levels
// (strings and their escapes are skipped; the text need not be valid JSON).
bool JsonNestingWithin(std::string_view text, int max_depth = kMaxJsonNesting);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BASE_JSON_LIMITS_H_
