// One-past-the-end pointers: TableEnd refers to kTable + 4 only, which after
// the link is the address of whatever follows the table.
#include "fixture.h"

namespace fixture {
namespace {
const int kTable[] = {1, 2, 3, ITR_EDIT ? 5 : 4};
const int kAfter[] = {7, 8, 9, 10};
}  // namespace

__attribute__((noinline)) const int* TableBegin() { return kTable; }
__attribute__((noinline)) const int* TableEnd() { return kTable + 4; }
__attribute__((noinline)) const int* AfterBegin() { return kAfter; }

}  // namespace fixture
