/* itr/environment_switch.h — how itr-cpp reads its on/off environment
 * variables. One definition for the runtime, which decides before loading
 * anything else whether ITR is switched off in this process, and for the
 * skipper, which reads every setting.
 *
 *   "true", "1", "yes", "on"    ITR_SWITCH_ON
 *   "false", "0", "no", "off"   ITR_SWITCH_OFF
 *   unset or empty              ITR_SWITCH_UNSET
 *   anything else               ITR_SWITCH_INVALID
 * Case and surrounding blanks do not matter.
 */
#ifndef ITR_ENVIRONMENT_SWITCH_H_
#define ITR_ENVIRONMENT_SWITCH_H_

#include <stddef.h>
#include <string.h>

/* The switch of the whole feature (Datadog's name). */
#define ITR_ENABLED_VARIABLE "DD_CIVISIBILITY_ITR_ENABLED"
/* What the process says when that switch is off. */
#define ITR_DISABLED_LINE "disabled (" ITR_ENABLED_VARIABLE "); all tests run"

enum itr_switch_value {
  ITR_SWITCH_UNSET = 0,
  ITR_SWITCH_ON = 1,
  ITR_SWITCH_OFF = 2,
  ITR_SWITCH_INVALID = 3
};

static inline int itr_switch_equals_(const char* begin, size_t size,
                                     const char* word) {
  size_t i = 0;
  for (; i < size && word[i] != '\0'; ++i) {
    char c = begin[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != word[i]) return 0;
  }
  return i == size && word[i] == '\0';
}

static inline enum itr_switch_value itr_parse_switch(const char* value) {
  if (value == NULL) return ITR_SWITCH_UNSET;
  const char* begin = value;
  while (*begin == ' ' || *begin == '\t' || *begin == '\n' || *begin == '\r')
    ++begin;
  const char* end = begin + strlen(begin);
  while (end > begin && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
                         end[-1] == '\r'))
    --end;
  size_t size = (size_t)(end - begin);
  if (size == 0) return ITR_SWITCH_UNSET;
  if (itr_switch_equals_(begin, size, "true") ||
      itr_switch_equals_(begin, size, "1") ||
      itr_switch_equals_(begin, size, "yes") ||
      itr_switch_equals_(begin, size, "on"))
    return ITR_SWITCH_ON;
  if (itr_switch_equals_(begin, size, "false") ||
      itr_switch_equals_(begin, size, "0") ||
      itr_switch_equals_(begin, size, "no") ||
      itr_switch_equals_(begin, size, "off"))
    return ITR_SWITCH_OFF;
  return ITR_SWITCH_INVALID;
}

#endif /* ITR_ENVIRONMENT_SWITCH_H_ */
