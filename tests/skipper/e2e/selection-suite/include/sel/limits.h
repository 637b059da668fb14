// Values the library is compiled with: a constant, a macro, a template
// whose calls fold to constants.
#ifndef SEL_LIMITS_H_
#define SEL_LIMITS_H_

namespace sel {

constexpr int kLimit = 16;

#define SEL_SCALE 3

template <typename T>
constexpr T Clamp(T value, T low, T high) {
  return value < low ? low : value > high ? high : value;
}

int LimitOf();
int ScaleBy(int x);
int ConfigLevel();

}  // namespace sel

#endif  // SEL_LIMITS_H_
