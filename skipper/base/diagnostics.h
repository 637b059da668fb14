// Where every line the skipper shows its user goes. The "one clear line"
// rule lives here and nowhere else:
//   - each line starts with "itr: " and is one line (newlines, tabs and
//     other control characters become spaces; trailing blanks go);
//   - a warning reads "itr: warning: <text>" and a distinct warning is shown
//     once per Diagnostics, however often it is raised;
//   - detail lines (ITR_VERBOSE) are shown only at or above their level.
//
// Code that can only warn takes a Diagnostics&; code that fails returns an
// absl::Status and its caller decides what the user reads. Thread-safe: the
// Datadog git upload warns from its own thread.
#ifndef ITR_SKIPPER_BASE_DIAGNOSTICS_H_
#define ITR_SKIPPER_BASE_DIAGNOSTICS_H_

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "absl/strings/string_view.h"

namespace itr::skipper {

class Diagnostics {
 public:
  // Receives each finished line, "itr: ..." without a newline.
  using Writer = std::function<void(const std::string& line)>;

  // Lines go to stderr (flushed at once: tests may crash right after).
  Diagnostics();
  explicit Diagnostics(Writer writer);
  Diagnostics(const Diagnostics&) = delete;
  Diagnostics& operator=(const Diagnostics&) = delete;

  void set_verbosity(int level);
  int verbosity() const;

  void Warning(absl::string_view text);
  void Info(absl::string_view text);
  // Info when the verbosity is at least `level` (1: each skipped test,
  // 2: every decision and the details of recording).
  void Detail(int level, absl::string_view text);

  // Warnings shown so far (distinct texts).
  size_t warning_count() const;

 private:
  void Write(absl::string_view prefix, absl::string_view text);

  Writer writer_;
  mutable std::mutex mutex_;
  int verbosity_ = 0;
  std::set<std::string> warned_;
};

// The process's stderr diagnostics.
Diagnostics& ProcessDiagnostics();

// `text` made one line: control characters become spaces, surrounding
// blanks go.
std::string OneLine(absl::string_view text);

// A name (a test's) as it stands before ": " in a line such as
// "itr: run  <name>: <reason>": as it is, unless reading up to the first
// ": " could not find its end (it contains ": ", starts with '"', or holds
// control characters or surrounding blanks); then in double quotes with
// '"' and '\' escaped by '\' and control characters as \n, \t or \xNN,
// C-style. So a reader takes a quoted string when the name
// starts with '"', else everything up to the first ": ".
std::string NameInLine(absl::string_view name);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BASE_DIAGNOSTICS_H_
