#include "textcalc/tokenizer.h"

#include <charconv>

namespace textcalc {
namespace {

// ASCII-only classification; <cctype> would depend on the global locale.
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentifierPart(char c) { return IsIdentifierStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t SkipDigits(std::string_view source, std::size_t pos) {
  while (pos < source.size() && IsDigit(source[pos])) ++pos;
  return pos;
}

// Lexes digits [ '.' digits ] [ ('e'|'E') ['+'|'-'] digits ].
Token LexNumber(std::string_view source, std::size_t start) {
  std::size_t pos = SkipDigits(source, start);
  if (pos < source.size() && source[pos] == '.')
    pos = SkipDigits(source, pos + 1);
  if (pos < source.size() && (source[pos] == 'e' || source[pos] == 'E')) {
    std::size_t exponent = pos + 1;
    if (exponent < source.size() &&
        (source[exponent] == '+' || source[exponent] == '-')) {
      ++exponent;
    }
    if (exponent >= source.size() || !IsDigit(source[exponent])) {
      throw TokenizeError("malformed exponent in number", start);
    }
    pos = SkipDigits(source, exponent);
  }
  const std::string_view spelling = source.substr(start, pos - start);
  double value = 0;
  const auto [end, error] = std::from_chars(
      spelling.data(), spelling.data() + spelling.size(), value);
  if (error != std::errc() || end != spelling.data() + spelling.size()) {
    throw TokenizeError("number out of range", start);
  }
  return Token{TokenKind::kNumber, std::string(spelling), value, start};
}

bool SingleCharKind(char c, TokenKind& kind) {
  switch (c) {
    case '+':
      kind = TokenKind::kPlus;
      return true;
    case '-':
      kind = TokenKind::kMinus;
      return true;
    case '*':
      kind = TokenKind::kStar;
      return true;
    case '/':
      kind = TokenKind::kSlash;
      return true;
    case '^':
      kind = TokenKind::kCaret;
      return true;
    case '(':
      kind = TokenKind::kLeftParen;
      return true;
    case ')':
      kind = TokenKind::kRightParen;
      return true;
    case ',':
      kind = TokenKind::kComma;
      return true;
    case '=':
      kind = TokenKind::kAssign;
      return true;
    default:
      return false;
  }
}

}  // namespace

TokenizeError::TokenizeError(const std::string& message, std::size_t offset)
    : std::runtime_error(message + " at offset " + std::to_string(offset)),
      offset_(offset) {}

std::vector<Token> Tokenize(std::string_view source) {
  std::vector<Token> tokens;
  std::size_t pos = 0;
  while (pos < source.size()) {
    const char c = source[pos];
    if (IsSpace(c)) {
      ++pos;
    } else if (IsDigit(c) || (c == '.' && pos + 1 < source.size() &&
                              IsDigit(source[pos + 1]))) {
      tokens.push_back(LexNumber(source, pos));
      pos += tokens.back().text.size();
    } else if (IsIdentifierStart(c)) {
      const std::size_t start = pos;
      while (pos < source.size() && IsIdentifierPart(source[pos])) ++pos;
      tokens.push_back(Token{TokenKind::kIdentifier,
                             std::string(source.substr(start, pos - start)), 0,
                             start});
    } else if (TokenKind kind; SingleCharKind(c, kind)) {
      tokens.push_back(Token{kind, std::string(1, c), 0, pos});
      ++pos;
    } else {
      throw TokenizeError(std::string("unexpected character '") + c + "'", pos);
    }
  }
  tokens.push_back(Token{TokenKind::kEnd, "", 0, source.size()});
  return tokens;
}

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kCaret:
      return "'^'";
    case TokenKind::kLeftParen:
      return "'('";
    case TokenKind::kRightParen:
      return "')'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kAssign:
      return "'='";
    case TokenKind::kEnd:
      return "end of input";
  }
  return "unknown";
}

}  // namespace textcalc
