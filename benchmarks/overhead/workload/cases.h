// The test cases of the overhead workload. Each one is a small, CPU-bound,
// unit-test-like computation: it derives its input from `seed`, runs, and
// returns a value that test_main.cc folds into the checksum every build
// variant must reproduce.
#ifndef BENCHMARKS_OVERHEAD_WORKLOAD_CASES_H_
#define BENCHMARKS_OVERHEAD_WORKLOAD_CASES_H_

#include <cstdint>

namespace workload {

// std::unordered_map<std::string, int> word counting, hit and miss lookups.
uint64_t WordCountCase(uint32_t seed);
// std::unordered_map<uint64_t, uint64_t> insert / find / erase churn.
uint64_t HashChurnCase(uint32_t seed);
// CSV parsing: split, trim, manual integer parsing.
uint64_t CsvParseCase(uint32_t seed);
// INI-style key = value parsing with [sections] and comments.
uint64_t IniParseCase(uint32_t seed);
// Recursive-descent evaluation of generated arithmetic expressions.
uint64_t ExpressionCase(uint32_t seed);
// N-queens backtracking.
uint64_t QueensCase(uint32_t seed);
// Recursive generation of all permutations of a few elements.
uint64_t PermutationCase(uint32_t seed);
// std::sort of records with a three-key comparator.
uint64_t RecordSortCase(uint32_t seed);
// Hundreds of small generated functions called through pointer tables.
uint64_t SmallFunctionCase(uint32_t seed);
// A small virtual class hierarchy.
uint64_t ShapesCase(uint32_t seed);

}  // namespace workload

#endif  // BENCHMARKS_OVERHEAD_WORKLOAD_CASES_H_
