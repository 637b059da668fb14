#include "textcalc/tokenizer.h"

#include <gtest/gtest.h>

#include <vector>

namespace textcalc {
namespace {

std::vector<TokenKind> KindsOf(const std::vector<Token>& tokens) {
  std::vector<TokenKind> kinds;
  for (const Token& token : tokens) kinds.push_back(token.kind);
  return kinds;
}

TEST(Tokenizer, EmptyOrBlankInputYieldsOnlyEnd) {
  EXPECT_EQ(KindsOf(Tokenize("")), std::vector<TokenKind>{TokenKind::kEnd});
  EXPECT_EQ(KindsOf(Tokenize(" \t\r\n")),
            std::vector<TokenKind>{TokenKind::kEnd});
}

TEST(Tokenizer, LexesEveryOperatorAndPunctuation) {
  using enum TokenKind;
  EXPECT_EQ(
      KindsOf(Tokenize("+-*/^(),=")),
      (std::vector<TokenKind>{kPlus, kMinus, kStar, kSlash, kCaret, kLeftParen,
                              kRightParen, kComma, kAssign, kEnd}));
}

TEST(Tokenizer, LexesIntegerDecimalAndExponentNumbers) {
  const std::vector<Token> tokens = Tokenize("42 3.25 .5 1e3 2.5E-2 7.");
  ASSERT_EQ(tokens.size(), 7u);
  const std::vector<double> expected = {42, 3.25, 0.5, 1000, 0.025, 7};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(tokens[i].kind, TokenKind::kNumber);
    EXPECT_DOUBLE_EQ(tokens[i].number, expected[i]) << tokens[i].text;
  }
  EXPECT_EQ(tokens[4].text, "2.5E-2");
}

TEST(Tokenizer, LexesIdentifiersWithUnderscoresAndDigits) {
  const std::vector<Token> tokens = Tokenize("_tmp1 rate2x");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdentifier);
  EXPECT_EQ(tokens[0].text, "_tmp1");
  EXPECT_EQ(tokens[1].text, "rate2x");
}

TEST(Tokenizer, NumberFollowedByLetterSplitsIntoTwoTokens) {
  // "2x" is a number then an identifier; the parser decides it is invalid.
  const std::vector<Token> tokens = Tokenize("2x");
  EXPECT_EQ(KindsOf(tokens),
            (std::vector<TokenKind>{TokenKind::kNumber, TokenKind::kIdentifier,
                                    TokenKind::kEnd}));
}

TEST(Tokenizer, RecordsSourceOffsets) {
  const std::vector<Token> tokens = Tokenize("  ab + 12");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].offset, 2u);
  EXPECT_EQ(tokens[1].offset, 5u);
  EXPECT_EQ(tokens[2].offset, 7u);
  EXPECT_EQ(tokens[3].offset, 9u);  // kEnd sits one past the last byte.
}

TEST(Tokenizer, RejectsUnknownCharacterWithItsOffset) {
  try {
    Tokenize("1 + $");
    FAIL() << "expected TokenizeError";
  } catch (const TokenizeError& error) {
    EXPECT_EQ(error.offset(), 4u);
    EXPECT_STREQ(error.what(), "unexpected character '$' at offset 4");
  }
}

TEST(Tokenizer, RejectsMalformedExponent) {
  EXPECT_THROW(Tokenize("1e"), TokenizeError);
  EXPECT_THROW(Tokenize("1e+"), TokenizeError);
  EXPECT_THROW(Tokenize("2E-x"), TokenizeError);
}

TEST(Tokenizer, KindNamesAreReadable) {
  EXPECT_EQ(TokenKindName(TokenKind::kNumber), "number");
  EXPECT_EQ(TokenKindName(TokenKind::kRightParen), "')'");
  EXPECT_EQ(TokenKindName(TokenKind::kEnd), "end of input");
}

}  // namespace
}  // namespace textcalc
