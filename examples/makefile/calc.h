#ifndef ITR_EXAMPLE_CALC_H_
#define ITR_EXAMPLE_CALC_H_

int Add(int a, int b);
int Multiply(int a, int b);

#endif  // ITR_EXAMPLE_CALC_H_
