// N-queens by backtracking: counts the placements of n queens, the first
// row's queen kept out of one column.
#include "cases.h"
#include "random.h"

namespace workload {

namespace {

class QueensSolver {
 public:
  QueensSolver(int n, int forbidden_first_column)
      : n_(n), forbidden_first_column_(forbidden_first_column) {}

  uint64_t CountSolutions() {
    Place(0);
    return solutions_ * 1000003 + nodes_;
  }

 private:
  void Place(int row) {
    ++nodes_;
    if (row == n_) {
      ++solutions_;
      return;
    }
    for (int column = 0; column < n_; ++column) {
      if (row == 0 && column == forbidden_first_column_) continue;
      if (!IsSafe(row, column)) continue;
      columns_[row] = column;
      Place(row + 1);
    }
  }

  bool IsSafe(int row, int column) const {
    for (int r = 0; r < row; ++r) {
      int c = columns_[r];
      if (c == column || c - column == r - row || c - column == row - r) {
        return false;
      }
    }
    return true;
  }

  int n_;
  int forbidden_first_column_;
  int columns_[16] = {};
  uint64_t solutions_ = 0;
  uint64_t nodes_ = 0;
};

}  // namespace

uint64_t QueensCase(uint32_t seed) {
  uint64_t result = 0;
  for (uint32_t round = 0; round < 2; ++round) {
    int forbidden = static_cast<int>((seed + 3 * round) % 8);
    result = Mix(result, QueensSolver(8, forbidden).CountSolutions());
  }
  return result;
}

}  // namespace workload
