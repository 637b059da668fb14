// test.codeowners: who owns a test's source file, from the repository's
// CODEOWNERS file, as Datadog's clients compute it (dd-trace-py's
// codeowners.py, a port of hmarr/codeowners): GitHub's syntax, GitLab's
// section headers ignored, the last matching rule wins.
#ifndef ITR_SKIPPER_CI_CODEOWNERS_H_
#define ITR_SKIPPER_CI_CODEOWNERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace itr::skipper {

// One CODEOWNERS pattern (gitignore's syntax: '*' within a path segment,
// '**' as a whole segment across them, '?', '[...]' classes, '\\'
// escapes; anchored at the root when a '/' precedes its end, else at any
// depth; a trailing '/' matches directories only). Matched by a table over
// (pattern token, path position): time bounded by their product, whatever
// the pattern (std::regex backtracked exponentially on "****...": found by
// fuzz.codeowners).
class CodeownersPattern {
 public:
  // nullopt: an unterminated or malformed class, or a pattern longer than
  // kMaxLength.
  static std::optional<CodeownersPattern> Compile(std::string_view pattern);
  static constexpr size_t kMaxLength = 1024;

  // Whether the pattern owns `path` (repository-relative, no leading '/').
  bool Matches(std::string_view path) const;

 private:
  enum class Kind : uint8_t { kLiteral, kOne, kClass, kSegment, kDeep };
  struct Token {
    Kind kind = Kind::kLiteral;
    char literal = 0;
    bool negated = false;
    std::vector<std::pair<char, char>> ranges;  // kClass
  };
  bool ClassMatches(const Token& token, char c) const;

  std::vector<Token> tokens_;
  bool anchored_ = false;
  bool directory_only_ = false;
};

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
    CodeownersPattern pattern;
    std::vector<std::string> owners;
  };
  std::vector<Rule> rules_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_CI_CODEOWNERS_H_
