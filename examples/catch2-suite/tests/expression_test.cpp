#include "textcalc/expression.h"

#include <catch2/catch.hpp>

#include "textcalc/tokenizer.h"

namespace textcalc {
namespace {

TEST_CASE("Evaluator computes arithmetic", "[expression]") {
  Evaluator evaluator;
  CHECK(evaluator.Evaluate("1 + 2 * 3") == Approx(7));
  CHECK(evaluator.Evaluate("(1 + 2) * 3") == Approx(9));
}

TEST_CASE("Evaluator keeps variables", "[expression]") {
  Evaluator evaluator;
  evaluator.SetVariable("x", 4);
  CHECK(evaluator.Evaluate("x * x") == Approx(16));
  CHECK(evaluator.GetVariable("x") == 4.0);
  CHECK(evaluator.VariableCount() == 1);
}

TEST_CASE("Evaluator rejects malformed input", "[expression]") {
  Evaluator evaluator;
  CHECK_THROWS_AS(evaluator.Evaluate("1 +"), EvalError);
}

TEST_CASE("Tokenize splits a source", "[tokenizer]") {
  CHECK(Tokenize("a + 12").size() >= 3);
}

}  // namespace
}  // namespace textcalc
