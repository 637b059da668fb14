int ConsumerWork(int x) {
  int total = 0;
  for (int i = 0; i < x; ++i) total += i % 3;
  return total;
}
