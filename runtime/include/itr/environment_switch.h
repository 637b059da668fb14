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
 *
 * A switch that guards skipping reads an unreadable value on the safe side
 * (every test runs), with one warning: itr_enabled_by_switch().
 */
#ifndef ITR_ENVIRONMENT_SWITCH_H_
#define ITR_ENVIRONMENT_SWITCH_H_

#include <stddef.h>
#include <string.h>

/* The switch of the whole feature (Datadog's name). */
#define ITR_ENABLED_VARIABLE "DD_CIVISIBILITY_ITR_ENABLED"
/* What the process says when that switch is off. */
#define ITR_DISABLED_LINE "disabled (" ITR_ENABLED_VARIABLE "); all tests run"
/* What follows "<NAME>='<value>'" in the warning about an unreadable switch. */
#define ITR_NOT_A_SWITCH_TEXT \
  " is not a boolean (true/false, 1/0, yes/no, on/off)"
/* The consequence of an unreadable ITR_ENABLED_VARIABLE, after that text. */
#define ITR_INVALID_ENABLED_TEXT "; ITR is off: all tests run"

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

/* Whether the feature switch lets ITR work: on or unset. Off and
 * unreadable values both mean every test runs (an unreadable value, with
 * the warning "<name>='<value>'" ITR_NOT_A_SWITCH_TEXT
 * ITR_INVALID_ENABLED_TEXT). */
static inline int itr_enabled_by_switch(enum itr_switch_value value) {
  return value == ITR_SWITCH_ON || value == ITR_SWITCH_UNSET;
}

#endif /* ITR_ENVIRONMENT_SWITCH_H_ */
