#pragma once

// RFC 4180 style CSV parsing: quoted fields may contain delimiters, newlines
// and doubled quotes (""), and both LF and CRLF line endings are accepted.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace textcalc {

using CsvRow = std::vector<std::string>;

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  // Trim blanks around unquoted fields (and around quoted ones, outside the
  // quotes). Whitespace inside quotes is always preserved.
  bool trim_unquoted = false;
};

class CsvError : public std::runtime_error {
 public:
  CsvError(const std::string& message, std::size_t line);
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

// A trailing newline does not produce an extra empty row.
std::vector<CsvRow> ParseCsv(std::string_view text,
                             const CsvOptions& options = {});

// A CSV document whose first row names the columns.
class CsvTable {
 public:
  // Throws CsvError when the input is empty or a row's width differs from
  // the header's.
  static CsvTable Parse(std::string_view text, const CsvOptions& options = {});

  const CsvRow& Header() const { return header_; }
  std::size_t RowCount() const { return rows_.size(); }
  const CsvRow& Row(std::size_t index) const { return rows_.at(index); }

  std::optional<std::size_t> ColumnIndex(std::string_view name) const;
  // Throws std::out_of_range for an unknown column name.
  std::vector<std::string> Column(std::string_view name) const;

 private:
  CsvRow header_;
  std::vector<CsvRow> rows_;
};

}  // namespace textcalc
