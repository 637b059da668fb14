// Where the tests run, what built them and what they are called, as
// Datadog's tags and defaults: the one place these are computed, so that
// requests and events carry the same values.
//
// HostTags: os.platform ("linux"), os.version (kernel release),
// os.architecture ("x86_64"), runtime.name (the compiler, "clang") and
// runtime.version (its version alone, "14.0.6"; left out when the second
// word is no version). The build flavour
// ("optimized NDEBUG asan") is a custom configuration of its own,
// test.configuration.build_flavor, so that Debug and Release records never
// share a skippable list while runtime.version stays a version.
#ifndef ITR_SKIPPER_CI_TEST_ENVIRONMENT_H_
#define ITR_SKIPPER_CI_TEST_ENVIRONMENT_H_

#include <map>
#include <string>

namespace itr::skipper {

// The custom configuration (DD_TAGS test.configuration.<key>) that carries
// the build flavour.
inline constexpr char kBuildFlavorConfiguration[] = "build_flavor";

// `build_configuration`: itr::BuildConfiguration() of the test binary,
// "<compiler> <version> [flavour...]".
std::map<std::string, std::string> HostTags(
    const std::string& build_configuration);

// The flavour of `build_configuration`: the words after the version
// ("optimized NDEBUG"; itr ctest's "Release -O2"), without a compiler
// vendor's parenthesised note; "" when there are none.
std::string BuildFlavor(const std::string& build_configuration);

// What a session's requests and events say about where its tests run and
// how they are configured, built from one place so that the settings and
// skippable requests (which the backend keys skippable lists by) and the
// events (which feed those lists) agree.
struct TestConfigurationTags {
  // os.platform, os.version, os.architecture, runtime.name, runtime.version.
  std::map<std::string, std::string> configurations;
  // configurations.custom: DD_TAGS' test.configuration.<key> by <key>, and
  // build_flavor (BuildFlavor) unless DD_TAGS names one.
  std::map<std::string, std::string> custom;
  // Every DD_TAGS entry.
  std::map<std::string, std::string> dd_tags;

  // The event tags (metadata "*"): `configurations`, every DD_TAGS entry,
  // and test.configuration.<key> for each of `custom`.
  std::map<std::string, std::string> EventTags() const;
};

// `dd_tags`: ParseDdTags(DD_TAGS). A DD_TAGS entry for one of the
// configurations' keys replaces it in both requests and events.
TestConfigurationTags ConfigurationTags(
    const std::string& build_configuration,
    const std::map<std::string, std::string>& dd_tags);

// DD_SERVICE's default, as the tracers derive it: the repository name from
// its URL, case kept ("https://host/org/Repo.git" -> "Repo"), else "test".
// Used by the backend and the manual testing API alike.
std::string DefaultServiceName(const std::string& repository_url);

// test.working_directory: `cwd` relative to `root` (the CI workspace or
// the repository), "." for the root itself, `cwd` unchanged when outside
// it or when `root` is "".
std::string WorkingDirectoryTag(const std::string& cwd,
                                const std::string& root);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_CI_TEST_ENVIRONMENT_H_
