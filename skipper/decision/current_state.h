// What a recorded dependency is now: the planner compares each recorded
// fingerprint with the one this gives.
#ifndef ITR_SKIPPER_DECISION_CURRENT_STATE_H_
#define ITR_SKIPPER_DECISION_CURRENT_STATE_H_

#include <string>

#include "skipper/model/dependency.h"

namespace itr::skipper {

class CurrentState {
 public:
  virtual ~CurrentState() = default;
  // The fingerprint `dep` would be recorded with now, or "" when it cannot
  // be known (then it reads as changed).
  virtual std::string Fingerprint(const Dependency& dep) = 0;
  // How `dep` reads in a reason: "src/a.cpp", "calc::Sum(int) in
  // src/calc.cpp", "environment variable HOME".
  virtual std::string Describe(const Dependency& dep) { return dep.key; }
};

// True when `dep` still holds: a known, equal fingerprint.
inline bool Unchanged(const Dependency& dep, const std::string& current) {
  return !current.empty() && current == dep.fingerprint &&
         dep.fingerprint != kUnknownFingerprint;
}

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_DECISION_CURRENT_STATE_H_
