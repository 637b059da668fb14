// The CI providers the tracers know, one extraction function each (in
// ci_providers.cc). Internal to skipper/ci: DetectCiTags picks the provider
// and normalises what it returns.
#ifndef ITR_SKIPPER_CI_CI_PROVIDERS_H_
#define ITR_SKIPPER_CI_CI_PROVIDERS_H_

#include <string>
#include <vector>

#include "skipper/ci/ci_tags.h"

namespace itr::skipper::ci_internal {

// Environment access with the tracers' (Ruby's) semantics: a variable set
// to "" is still set, so `Or(a, b)` keeps an empty `a`.
class Env {
 public:
  Env(const GetEnv& getenv, const ListEnv& list_env)
      : getenv_(getenv), list_env_(list_env) {}
  bool Has(const char* name) const { return getenv_(name) != nullptr; }
  std::string operator()(const char* name) const {
    const char* value = getenv_(name);
    return value != nullptr ? value : "";
  }
  std::string Or(const char* first, const char* second) const {
    return Has(first) ? (*this)(first) : (*this)(second);
  }
  std::vector<std::string> Names() const {
    return list_env_ ? list_env_() : std::vector<std::string>{};
  }

 private:
  const GetEnv& getenv_;
  const ListEnv& list_env_;
};

// Providers that report one ref for both branches and tags put it here;
// DetectCiTags splits it into git.branch or git.tag.
inline constexpr char kBranchOrTag[] = "_branch_or_tag";

struct CiProvider {
  bool (*detects)(const Env& env);
  Tags (*extract)(const Env& env);
};

// In the tracers' detection order.
const std::vector<CiProvider>& CiProviders();

}  // namespace itr::skipper::ci_internal

#endif  // ITR_SKIPPER_CI_CI_PROVIDERS_H_
