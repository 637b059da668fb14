#include "textcalc/expression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "textcalc/string_utils.h"

namespace textcalc {
namespace {

struct ArithmeticCase {
  std::string name;  // Becomes part of the generated test name.
  std::string source;
  double expected;
};

class EvaluatorArithmetic : public testing::TestWithParam<ArithmeticCase> {};

TEST_P(EvaluatorArithmetic, ComputesExpectedValue) {
  Evaluator evaluator;
  EXPECT_DOUBLE_EQ(evaluator.Evaluate(GetParam().source), GetParam().expected)
      << GetParam().source;
}

INSTANTIATE_TEST_SUITE_P(
    Expressions, EvaluatorArithmetic,
    testing::Values(
        ArithmeticCase{"Literal", "42", 42},
        ArithmeticCase{"AdditionIsLeftAssociative", "10 - 4 - 3", 3},
        ArithmeticCase{"ProductBindsTighterThanSum", "2 + 3 * 4", 14},
        ArithmeticCase{"ParenthesesOverridePrecedence", "(2 + 3) * 4", 20},
        ArithmeticCase{"DivisionIsLeftAssociative", "100 / 10 / 5", 2},
        ArithmeticCase{"PowerIsRightAssociative", "2 ^ 3 ^ 2", 512},
        ArithmeticCase{"UnaryMinusBindsLooserThanPower", "-2 ^ 2", -4},
        ArithmeticCase{"NegativeExponent", "2 ^ -1", 0.5},
        ArithmeticCase{"DoubleNegation", "--3", 3},
        ArithmeticCase{"Functions", "max(1, abs(-7), 3) + sqrt(16)", 11},
        ArithmeticCase{"MinOfOne", "min(5)", 5}),
    [](const testing::TestParamInfo<ArithmeticCase>& info) {
      return info.param.name;
    });

TEST(Evaluator, AssignmentStoresAndReturnsTheValue) {
  Evaluator evaluator;
  EXPECT_DOUBLE_EQ(evaluator.Evaluate("rate = 1.5 * 2"), 3);
  EXPECT_EQ(evaluator.GetVariable("rate"), 3.0);
  EXPECT_EQ(evaluator.VariableCount(), 1u);
}

TEST(Evaluator, VariablesPersistAcrossStatements) {
  Evaluator evaluator;
  evaluator.SetVariable("base", 10);
  evaluator.Evaluate("total = base * 3");
  evaluator.Evaluate("total = total + 1");  // Reassignment reads old value.
  EXPECT_DOUBLE_EQ(evaluator.Evaluate("total / 31"), 1);
  EXPECT_FALSE(evaluator.GetVariable("missing").has_value());
}

TEST(Evaluator, UnknownVariableIsAnError) {
  Evaluator evaluator;
  EXPECT_THROW(evaluator.Evaluate("x + 1"), EvalError);
}

TEST(Evaluator, DivisionByZeroIsAnError) {
  Evaluator evaluator;
  EXPECT_THROW(evaluator.Evaluate("1 / (2 - 2)"), EvalError);
}

TEST(Evaluator, SyntaxErrorsAreReported) {
  Evaluator evaluator;
  for (const char* source :
       {"", "1 +", "(1 + 2", "1 2", "2x", "= 3", "*4", "max(1,)", "1 = 2"}) {
    EXPECT_THROW(evaluator.Evaluate(source), EvalError) << source;
  }
}

TEST(Evaluator, ErrorMessagesPointAtTheOffendingToken) {
  Evaluator evaluator;
  try {
    evaluator.Evaluate("(1 + 2");
    FAIL() << "expected EvalError";
  } catch (const EvalError& error) {
    EXPECT_STREQ(error.what(), "expected ')', found end of input at offset 6");
  }
}

TEST(Evaluator, FunctionsCheckArityAndDomain) {
  Evaluator evaluator;
  EXPECT_THROW(evaluator.Evaluate("abs(1, 2)"), EvalError);
  EXPECT_THROW(evaluator.Evaluate("sqrt()"), EvalError);
  EXPECT_THROW(evaluator.Evaluate("max()"), EvalError);
  EXPECT_THROW(evaluator.Evaluate("sqrt(-1)"), EvalError);
  EXPECT_THROW(evaluator.Evaluate("log(10)"), EvalError);
}

TEST(Evaluator, LexicalErrorsSurfaceAsEvalErrors) {
  Evaluator evaluator;
  EXPECT_THROW(evaluator.Evaluate("3 # 4"), EvalError);
  EXPECT_THROW(evaluator.Evaluate("1e+"), EvalError);
}

TEST(Evaluator, NonFiniteResultsAreRejected) {
  Evaluator evaluator;
  EXPECT_THROW(evaluator.Evaluate("10 ^ 400"), EvalError);
}

TEST(Evaluator, FailedAssignmentLeavesVariablesUntouched) {
  Evaluator evaluator;
  evaluator.SetVariable("x", 1);
  EXPECT_THROW(evaluator.Evaluate("x = 1 / 0"), EvalError);
  EXPECT_THROW(evaluator.Evaluate("y = unknown"), EvalError);
  EXPECT_EQ(evaluator.GetVariable("x"), 1.0);
  EXPECT_FALSE(evaluator.GetVariable("y").has_value());
}

// Deliberately crosses modules: a config file is split into lines with the
// string utilities and each line is evaluated as a statement.
TEST(Evaluator, EvaluatesAConfigFileLineByLine) {
  const std::string config =
      "  width = 4\n"
      "height = width * 2  \n"
      "\n"
      "area = width * height\n";
  Evaluator evaluator;
  for (const std::string& line : Split(config, '\n', EmptyFields::kSkip)) {
    evaluator.Evaluate(Trim(line));
  }
  EXPECT_EQ(evaluator.GetVariable("area"), 32.0);
  EXPECT_EQ(evaluator.VariableCount(), 3u);
}

}  // namespace
}  // namespace textcalc
