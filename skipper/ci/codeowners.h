// test.codeowners: who owns a test's source file, from the repository's
// CODEOWNERS file, as Datadog's clients compute it (dd-trace-py's
// codeowners.py, a port of hmarr/codeowners): GitHub's syntax, GitLab's
// section headers ignored, the last matching rule wins.
#ifndef ITR_SKIPPER_CI_CODEOWNERS_H_
#define ITR_SKIPPER_CI_CODEOWNERS_H_

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace itr::skipper {

class Codeowners {
 public:
  // The first of CODEOWNERS, .github/CODEOWNERS, .gitlab/CODEOWNERS,
  // docs/CODEOWNERS under `root` that exists; nullopt when none does.
  static std::optional<Codeowners> Load(const std::string& root);
  // One rule per line: a pattern and at least one owner. Comments ('#'),
  // blank lines, GitLab sections ("[Name]", "^[Name]") and rules whose
  // pattern cannot be read are left out.
  static Codeowners Parse(std::string_view text);

  // The owners of `path` (repository-relative, no leading '/') as
  // test.codeowners carries them, a JSON array: ["@org/team", "@user"].
  // "" when no rule matches.
  std::string OwnersJson(std::string_view path) const;

  size_t rule_count() const { return rules_.size(); }

 private:
  struct Rule {
    std::regex pattern;
    std::vector<std::string> owners;
  };
  std::vector<Rule> rules_;
};

// The regular expression (ECMAScript) a CODEOWNERS pattern stands for, or
// nullopt when it has an unterminated character class.
std::optional<std::string> CodeownersPatternRegex(std::string_view pattern);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_CI_CODEOWNERS_H_
