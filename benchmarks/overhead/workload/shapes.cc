// A small virtual class hierarchy, used through base-class pointers.
#include <memory>
#include <vector>

#include "cases.h"
#include "random.h"

namespace workload {

namespace {

class Shape {
 public:
  virtual ~Shape() = default;
  virtual int64_t Area() const = 0;
  virtual int64_t Perimeter() const = 0;
  virtual void Scale(int64_t factor) = 0;
};

class Rectangle : public Shape {
 public:
  Rectangle(int64_t width, int64_t height) : width_(width), height_(height) {}
  int64_t Area() const override { return width_ * height_; }
  int64_t Perimeter() const override { return 2 * (width_ + height_); }
  void Scale(int64_t factor) override {
    width_ = width_ * factor % 1000 + 1;
    height_ = height_ * factor % 1000 + 1;
  }

 private:
  int64_t width_, height_;
};

class Square : public Rectangle {
 public:
  explicit Square(int64_t side) : Rectangle(side, side) {}
};

class RightTriangle : public Shape {
 public:
  RightTriangle(int64_t a, int64_t b) : a_(a), b_(b) {}
  int64_t Area() const override { return a_ * b_ / 2; }
  int64_t Perimeter() const override { return a_ + b_ + (a_ > b_ ? a_ : b_); }
  void Scale(int64_t factor) override {
    a_ = a_ * factor % 700 + 1;
    b_ = b_ * factor % 900 + 1;
  }

 private:
  int64_t a_, b_;
};

class Ring : public Shape {
 public:
  explicit Ring(int64_t radius) : radius_(radius) {}
  int64_t Area() const override { return 314 * radius_ * radius_ / 100; }
  int64_t Perimeter() const override { return 628 * radius_ / 100; }
  void Scale(int64_t factor) override { radius_ = radius_ * factor % 300 + 1; }

 private:
  int64_t radius_;
};

std::unique_ptr<Shape> MakeShape(Random& random) {
  int64_t a = 1 + random.Below(100);
  int64_t b = 1 + random.Below(100);
  switch (random.Below(4)) {
    case 0:
      return std::make_unique<Rectangle>(a, b);
    case 1:
      return std::make_unique<Square>(a);
    case 2:
      return std::make_unique<RightTriangle>(a, b);
    default:
      return std::make_unique<Ring>(a);
  }
}

}  // namespace

uint64_t ShapesCase(uint32_t seed) {
  Random random(seed);
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 0; i < 200; ++i) shapes.push_back(MakeShape(random));
  uint64_t result = 0;
  for (int round = 0; round < 300; ++round) {
    for (auto& shape : shapes) {
      result = Mix(result,
                   static_cast<uint64_t>(shape->Area() + shape->Perimeter()));
      shape->Scale(round + 2);
    }
  }
  return result;
}

}  // namespace workload
