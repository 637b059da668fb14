// One-line diagnostics on stderr, prefixed "itr:". Warnings always print;
// Verbose() only with ITR_VERBOSE set. Safe before main() and after exit().
#ifndef ITR_RUNTIME_DIAGNOSTICS_H_
#define ITR_RUNTIME_DIAGNOSTICS_H_

namespace itr::runtime {

void Warn(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Verbose(const char* format, ...) __attribute__((format(printf, 1, 2)));
bool VerboseEnabled();

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_DIAGNOSTICS_H_
