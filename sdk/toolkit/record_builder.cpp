#include <mvne/toolkit/record_builder.hpp>

namespace mvne::toolkit {

void RecordBuilder::text(std::string_view s) {
  const std::string& kept = text_.emplace_back(s);
  values_.push_back(text_value(kept));
}

void RecordBuilder::clear() {
  values_.clear();
  text_.clear();
}

}  // namespace mvne::toolkit
