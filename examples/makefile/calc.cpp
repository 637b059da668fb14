#include "calc.h"

int Add(int a, int b) { return a + b; }

int Multiply(int a, int b) {
  int product = 0;
  for (int i = 0; i < b; ++i) product = Add(product, a);
  return product;
}
