// Integers read from outside JSON (a coverage export line, a report a
// framework wrote). nlohmann's get<int64_t>() of a number written as a
// double converts with a cast, undefined behaviour out of range (found by
// fuzz.coverage_export: a pid of 1.5e38); these read only integers that fit.
#ifndef ITR_SKIPPER_BASE_JSON_NUMBERS_H_
#define ITR_SKIPPER_BASE_JSON_NUMBERS_H_

#include <cstdint>
#include <optional>
#include <utility>

#include "nlohmann/json.hpp"

namespace itr::skipper {

// `value` as an Int when it is an integer number within Int's range, else
// nullopt (a double, a string, out of range).
template <typename Int, typename Json>
std::optional<Int> JsonInteger(const Json& value) {
  if (value.is_number_unsigned()) {
    const uint64_t v = value.template get<uint64_t>();
    if (std::in_range<Int>(v)) return static_cast<Int>(v);
  } else if (value.is_number_integer()) {
    const int64_t v = value.template get<int64_t>();
    if (std::in_range<Int>(v)) return static_cast<Int>(v);
  }
  return std::nullopt;
}

// Field `key` of `object` as an Int: `fallback` when absent, nullopt when
// present but not an integer within Int's range.
template <typename Int, typename Json>
std::optional<Int> JsonIntegerField(const Json& object, const char* key,
                                    Int fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  return JsonInteger<Int>(*it);
}

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BASE_JSON_NUMBERS_H_
