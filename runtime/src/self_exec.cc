#include "self_exec.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <atomic>
#include <new>

namespace itr::runtime {

namespace {

// The counter lives in a MAP_SHARED page: GoogleTest's threadsafe death
// tests start the child with clone(SIGCHLD) (a private copy of memory, and
// no fork handlers), and the child's exec must still be seen here.
std::atomic<uint64_t> g_private_counter{0};
std::atomic<uint64_t>* g_counter = &g_private_counter;

__attribute__((constructor(101))) void MapSharedCounter() {
  void* page = mmap(nullptr, sizeof(std::atomic<uint64_t>),
                    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page != MAP_FAILED) g_counter = new (page) std::atomic<uint64_t>(0);
}

}  // namespace

void NoteExec(const char* path) {
  if (path == nullptr) return;
  struct stat target {
  }, self{};
  // stat(2) only: no allocation, no lock.
  if (stat(path, &target) != 0 || stat("/proc/self/exe", &self) != 0) return;
  if (target.st_dev == self.st_dev && target.st_ino == self.st_ino) {
    g_counter->fetch_add(1, std::memory_order_relaxed);
  }
}

uint64_t SelfExecCount() { return g_counter->load(std::memory_order_relaxed); }

}  // namespace itr::runtime
