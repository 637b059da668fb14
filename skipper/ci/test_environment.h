// Where the tests run, what built them and what they are called, as
// Datadog's tags and defaults: the one place these are computed, so that
// requests and events carry the same values.
//
// HostTags: os.platform
// ("linux"), os.version (kernel release), os.architecture ("x86_64"),
// runtime.name (the compiler, "clang") and runtime.version (its version and
// the build flavour: "14.0.6 optimized NDEBUG", so Debug and Release records
// never share a skippable list).
#ifndef ITR_SKIPPER_CI_TEST_ENVIRONMENT_H_
#define ITR_SKIPPER_CI_TEST_ENVIRONMENT_H_

#include <map>
#include <string>

namespace itr::skipper {

// `build_configuration`: itr::BuildConfiguration() of the test binary,
// "<compiler> <version> [flavour...]".
std::map<std::string, std::string> HostTags(
    const std::string& build_configuration);

// DD_SERVICE's default, as the tracers derive it: the repository name from
// its URL ("https://host/org/Repo.git" -> "repo"), else "test". Used by the
// backend and the manual testing API alike.
std::string DefaultServiceName(const std::string& repository_url);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_CI_TEST_ENVIRONMENT_H_
