// The function index fixture: one library, compiled twice, ITR_EDIT=0 (A)
// and ITR_EDIT=1 (B). Each edit class changes what exactly one function (or
// one known set) compiles to; tests/skipper/unit/index_test.cpp asserts
// which functions differ between the two indexes.
#pragma once
#include <string>

namespace fixture {

// constexpr in a header: used by ClampCount only.
constexpr int kMaxItems = ITR_EDIT ? 17 : 16;

// A macro: used by Scale only.
#if ITR_EDIT
#define FIXTURE_SCALE 4
#else
#define FIXTURE_SCALE 3
#endif

// A header template whose call FoldedLimit folds to a constant.
template <typename T>
constexpr T ClampTo(T x, T lo, T hi) {
  return x < lo ? lo : (x > hi ? hi - ITR_EDIT : x);
}

// An inline function kept out of line: a weak (COMDAT) function.
__attribute__((noinline)) inline int Twice(int x) { return x + x; }

int ClampCount(int n);
int Scale(int x);
int FooLevel();  // the compile definition FIXTURE_FOO
int FoldedLimit();
std::string Join(const std::string& a, const std::string& b);
int Weight(int i);
extern int g_base;
int Based(int x);
const std::string& RegistryName();
int Alpha(int x);
int Beta(int x);
int SafeParse(const std::string& s);
void ThrowFor(const std::string& s);
const int* TableBegin();
const int* TableEnd();
int Quiet(int x);
void UseCLocale();

struct ParseError {};
struct RangeError {};

}  // namespace fixture
