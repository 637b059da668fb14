// GoogleTest's --gtest_filter semantics, to compose skipping with the user's
// filter and sharding exactly as GoogleTest itself would.
#ifndef ITR_SKIPPER_GTEST_GTEST_FILTER_H_
#define ITR_SKIPPER_GTEST_GTEST_FILTER_H_

#include <string>
#include <vector>

namespace itr {
namespace gtest {

// "POSITIVE[-NEGATIVE]", ':'-separated wildcard patterns; an empty positive
// part means "*".
bool MatchesFilter(const std::string& filter, const std::string& full_name);

// The user's filter with `excluded` full names added to its negative part.
std::string FilterExcluding(const std::string& filter,
                            const std::vector<std::string>& excluded);

}  // namespace gtest
}  // namespace itr

#endif  // ITR_SKIPPER_GTEST_GTEST_FILTER_H_
