// Records for submit_records, built value by value in the kind's field order; the builder
// owns the text the values point to.
#pragma once

#include <mvne/plugin.hpp>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mvne::toolkit {

class RecordBuilder {
 public:
  explicit RecordBuilder(size_t fields) : fields_(fields) {}
  void text(std::string_view s);
  void integer(int64_t v) { values_.push_back(int_value(v)); }
  void time(int64_t us) { values_.push_back(time_value(us)); }
  void real(double v) { values_.push_back(double_value(v)); }
  void null() { values_.push_back(null_value()); }
  // Drops the values of a record that was started and not finished.
  void rollback() { values_.resize(records() * fields_); }
  size_t records() const { return values_.size() / fields_; }
  bool complete() const { return values_.size() % fields_ == 0; }
  const std::vector<mvne_value>& values() const { return values_; }
  size_t fields() const { return fields_; }
  void clear();

 private:
  size_t fields_;
  std::vector<mvne_value> values_;
  std::deque<std::string> text_;  // stable addresses for the values' text
};

}  // namespace mvne::toolkit
