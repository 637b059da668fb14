#include "textcalc/expression.h"

#include <doctest/doctest.h>

#include "textcalc/tokenizer.h"

namespace textcalc {
namespace {

// No TEST_SUITE: the suite of these test cases is their source file.
TEST_CASE("Evaluator computes arithmetic") {
  Evaluator evaluator;
  CHECK(evaluator.Evaluate("1 + 2 * 3") == doctest::Approx(7));
  CHECK(evaluator.Evaluate("(1 + 2) * 3") == doctest::Approx(9));
}

TEST_CASE("Evaluator keeps variables") {
  Evaluator evaluator;
  evaluator.SetVariable("x", 4);
  CHECK(evaluator.Evaluate("x * x") == doctest::Approx(16));
  CHECK(evaluator.VariableCount() == 1);
}

TEST_CASE("Evaluator rejects malformed input") {
  Evaluator evaluator;
  CHECK_THROWS_AS(evaluator.Evaluate("1 +"), EvalError);
}

TEST_CASE("Tokenize splits a source") { CHECK(Tokenize("a + 12").size() >= 3); }

}  // namespace
}  // namespace textcalc
