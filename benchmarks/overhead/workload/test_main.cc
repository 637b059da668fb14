// The workload's test runner: runs every case `repetitions` times (default
// 100), each run bracketed as one test, and prints the checksum that all
// build variants must agree on (and, in itr variants, what was registered).
//
//   workload_<variant> [repetitions]
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "cases.h"
#include "per_test_api.h"
#include "random.h"

namespace {

struct TestCase {
  const char* name;
  uint64_t (*run)(uint32_t seed);
};

constexpr TestCase kTestCases[] = {
    {"WordCount.Counts", workload::WordCountCase},
    {"HashChurn.InsertFindErase", workload::HashChurnCase},
    {"Csv.ParsesRows", workload::CsvParseCase},
    {"Ini.ParsesSections", workload::IniParseCase},
    {"Expression.Evaluates", workload::ExpressionCase},
    {"Queens.CountsSolutions", workload::QueensCase},
    {"Permutations.AreAllVisited", workload::PermutationCase},
    {"Records.SortByThreeKeys", workload::RecordSortCase},
    {"SmallFunctions.CallThroughTables", workload::SmallFunctionCase},
    {"Shapes.VirtualDispatch", workload::ShapesCase},
};

}  // namespace

int main(int argc, char** argv) {
  int repetitions = argc > 1 ? atoi(argv[1]) : 100;
  uint64_t checksum = 0;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    for (const TestCase& test : kTestCases) {
      workload::BeginTest(test.name);
      checksum = workload::Mix(
          checksum, test.run(static_cast<uint32_t>(repetition) * 7919u + 17u));
      workload::EndTest();
    }
  }
  printf("checksum %016llx\n", static_cast<unsigned long long>(checksum));
  workload::ReportInstrumentation();
  return 0;
}
