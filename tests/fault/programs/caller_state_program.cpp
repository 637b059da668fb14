// A test process that drives itr-cpp through its C APIs as a framework
// adapter does, with a caller state no default would give, and checks
// around every call that itr-cpp left it as it was (issue 11: the
// floating-point flags it raised between tests failed a test that checks
// them). Checked: floating-point exception flags, rounding mode and
// enabled traps, errno, the locale, the signal mask and every signal's
// disposition, the umask, the working directory, and stdio buffers (data
// written but not flushed stays unflushed: nothing calls fflush(NULL), no
// child flushes a copy).
//
// Prints "STATE <what> changed by <call>" for each difference and exits 1;
// "STATE ok <calls>" and 0 when none. Test names include "Odd: name" (a
// name a Catch2 test may have) for the verbose lines' quoting.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cfenv>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "itr/build_configuration.h"
#include "itr/coverage.h"
#include "itr/session.h"

namespace {

constexpr int kCallerErrno = 4242;  // no errno value: only ours can be it
constexpr int kCallerRounding = FE_UPWARD;
constexpr int kCallerFlags = FE_UNDERFLOW;
constexpr int kCallerTraps = FE_DIVBYZERO;

struct State {
  int flags, rounding, traps, error;
  std::string locale, decimal_point, cwd;
  mode_t umask_value;
  sigset_t mask;
  struct sigaction actions[NSIG];
  off_t pending_file_size, stdout_size;
};

FILE* g_pending = nullptr;
int g_problems = 0;
int g_calls = 0;

void OnUsr1(int) {}

off_t SizeOf(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 ? st.st_size : -1;
}

State Capture(int error) {
  State s;
  s.error = error;
  s.flags = fetestexcept(FE_ALL_EXCEPT);
  s.rounding = fegetround();
  s.traps = fegetexcept();
  s.locale = setlocale(LC_ALL, nullptr);
  s.decimal_point = localeconv()->decimal_point;
  char cwd[4096] = "";
  s.cwd = getcwd(cwd, sizeof(cwd)) ? cwd : "?";
  s.umask_value = umask(0);
  umask(s.umask_value);
  sigprocmask(SIG_SETMASK, nullptr, &s.mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    memset(&s.actions[sig], 0, sizeof(s.actions[sig]));
    sigaction(sig, nullptr, &s.actions[sig]);
  }
  s.pending_file_size = SizeOf(fileno(g_pending));
  s.stdout_size = SizeOf(STDOUT_FILENO);
  return s;
}

// Signal sets compared signal by signal: the bytes of a sigset_t beyond
// the kernel's 64 signals are whatever the stack held.
bool SameSignals(const sigset_t& a, const sigset_t& b) {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&a, sig) != sigismember(&b, sig)) return false;
  }
  return true;
}

void Report(const char* what, const char* call) {
  fprintf(stderr, "STATE %s changed by %s\n", what, call);
  ++g_problems;
}

void Compare(const State& before, const State& after, const char* call) {
  if (after.flags != before.flags) Report("floating-point flags", call);
  if (after.rounding != before.rounding) Report("rounding mode", call);
  if (after.traps != before.traps) Report("floating-point traps", call);
  if (after.error != before.error) Report("errno", call);
  if (after.locale != before.locale) Report("locale", call);
  if (after.decimal_point != before.decimal_point) Report("lconv", call);
  if (after.cwd != before.cwd) Report("working directory", call);
  if (after.umask_value != before.umask_value) Report("umask", call);
  if (!SameSignals(after.mask, before.mask)) Report("signal mask", call);
  for (int sig = 1; sig < NSIG; ++sig) {
    const struct sigaction& a = after.actions[sig];
    const struct sigaction& b = before.actions[sig];
    if (a.sa_handler != b.sa_handler || a.sa_flags != b.sa_flags ||
        !SameSignals(a.sa_mask, b.sa_mask)) {
      Report(("disposition of signal " + std::to_string(sig)).c_str(), call);
    }
  }
  if (after.pending_file_size != before.pending_file_size) {
    Report("an unflushed stdio buffer", call);
  }
  if (after.stdout_size != before.stdout_size) Report("stdout's buffer", call);
}

// Calls `f` with errno set to the caller's value and compares the state.
template <typename F>
auto Checked(const char* call, F f) {
  ++g_calls;
  errno = kCallerErrno;
  State before = Capture(kCallerErrno);
  errno = kCallerErrno;
  auto result = f();
  State after = Capture(errno);
  Compare(before, after, call);
  return result;
}

// The code under test: floating-point work of its own, behind probes.
__attribute__((noinline)) double Interest(double amount, int years) {
  for (int i = 0; i < years; ++i) amount *= 1.0125;
  return amount;
}

void SetCallerState(const char* scratch) {
  setlocale(LC_ALL, "C.UTF-8");
  umask(027);
  if (chdir(scratch) != 0) perror("chdir");
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR2);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  struct sigaction action {};
  action.sa_handler = OnUsr1;
  action.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
  fputs("pending on stdout\n", stdout);  // flushed at exit, once
  g_pending = fopen("pending.txt", "w");
  setvbuf(g_pending, nullptr, _IOFBF, 1 << 16);
  fputs("pending", g_pending);
  fesetround(kCallerRounding);
  feclearexcept(FE_ALL_EXCEPT);
  feraiseexcept(kCallerFlags);
  feenableexcept(kCallerTraps);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <scratch dir>\n", argv[0]);
    return 2;
  }
  SetCallerState(argv[1]);
  const char* names[][2] = {
      {"Ledger", "Adds"}, {"Ledger", "Odd: name"}, {"Rates", "Compound"}};
  static const std::string build = itr::BuildConfiguration();
  itr_session* session = Checked("itr_session_start", [] {
    return itr_session_start("state", "1", build.c_str());
  });
  for (const auto& name : names) {
    itr_test test{name[0],  name[1], nullptr, __FILE__,
                  __LINE__, nullptr, nullptr};
    Checked("itr_session_add_test", [&] {
      itr_session_add_test(session, &test);
      return 0;
    });
  }
  Checked("itr_session_plan", [&] {
    itr_session_plan(session);
    return 0;
  });
  std::vector<size_t> considered = {0, 1, 2};
  std::vector<size_t> in_shard(considered.size());
  Checked("itr_session_shard", [&] {
    return itr_session_shard(session, considered.data(), considered.size(),
                             /*total_shards=*/1, /*shard_index=*/0,
                             in_shard.data());
  });
  Checked("itr_session_select", [&] {
    return itr_session_select(session, considered.data(), considered.size());
  });
  double total = 0;
  for (size_t i = 0; i < 3; ++i) {
    const itr_decision d = Checked("itr_session_decision", [&] {
      return itr_session_decision(session, i);
    });
    if (session != nullptr && d.skip) continue;
    Checked("itr_session_test_started", [&] {
      itr_session_test_started(session, i);
      return 0;
    });
    if (session == nullptr) {
      Checked("itr_test_begin", [&] {
        itr_test_begin(names[i][1]);
        return 0;
      });
    }
    total += Interest(100.0 * (i + 1), 12);
    if (session == nullptr) {
      Checked("itr_test_end", [] { return itr_test_end() != nullptr; });
    }
    Checked("itr_session_test_finished", [&] {
      itr_session_test_finished(session, i, ITR_OUTCOME_PASSED);
      return 0;
    });
  }
  Checked("itr_session_finish", [&] {
    itr_session_finish(session, 1, 0);
    return 0;
  });
  fedisableexcept(kCallerTraps);
  fclose(g_pending);
  fprintf(stderr, "STATE %s %d calls (%.2f)\n", g_problems ? "failed" : "ok",
          g_calls, total);
  return g_problems ? 1 : 0;
}
