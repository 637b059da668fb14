// A lock for the read tracker's recording path: no allocation, no
// construction (usable before constructors run), and no deadlock in a child
// that inherited it locked.
//
// fork() is covered by pthread_atfork handlers (read_tracker.cc) that take
// the lock around the fork. A child made with clone() without fork handlers
// (GoogleTest's "threadsafe" death tests) may inherit it held by a thread
// that does not exist there: a waiter that spins for long checks whether
// its process is still the one that took the lock and, if not, takes it
// over.
#ifndef ITR_RUNTIME_SPIN_LOCK_H_
#define ITR_RUNTIME_SPIN_LOCK_H_

#include <sched.h>
#include <unistd.h>

#include <atomic>

namespace itr::runtime {

class SpinLock {
 public:
  constexpr SpinLock() = default;

  void Lock() {
    for (int spins = 0; locked_.exchange(true, std::memory_order_acquire);) {
      if (++spins < 64) continue;
      spins = 0;
      int owner = owner_pid_.load(std::memory_order_relaxed);
      if (owner != 0 && owner != getpid()) break;  // orphaned: take it over
      sched_yield();
    }
    owner_pid_.store(ProcessId(), std::memory_order_relaxed);
  }
  void Unlock() {
    owner_pid_.store(0, std::memory_order_relaxed);  // no stale owner
    locked_.store(false, std::memory_order_release);
  }

  // The process this code runs in, as last noted (getpid() is a system
  // call; the pid changes only in a fork handler, see NoteProcess).
  static int ProcessId() { return process_id_.load(std::memory_order_relaxed); }
  static void NoteProcess() {
    process_id_.store(getpid(), std::memory_order_relaxed);
  }

 private:
  std::atomic<bool> locked_{false};
  std::atomic<int> owner_pid_{0};
  static inline std::atomic<int> process_id_{0};
};

class SpinLockHolder {
 public:
  explicit SpinLockHolder(SpinLock* lock) : lock_(lock) { lock_->Lock(); }
  ~SpinLockHolder() { lock_->Unlock(); }
  SpinLockHolder(const SpinLockHolder&) = delete;
  SpinLockHolder& operator=(const SpinLockHolder&) = delete;

 private:
  SpinLock* lock_;
};

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_SPIN_LOCK_H_
