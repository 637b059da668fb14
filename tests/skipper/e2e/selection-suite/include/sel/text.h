#ifndef SEL_TEXT_H_
#define SEL_TEXT_H_

#include <string>

namespace sel {

std::string Greeting();
int Alpha(int x);
int Beta(int x);
// How many entries the registry that static initialization filled has.
int RegistryEntries();

}  // namespace sel

#endif  // SEL_TEXT_H_
