#include "core/exports/guarded_sink.h"

namespace mvne::exports {
namespace {

// What of `window` may still be the start of an identifier the next write completes: the
// unfinished last line, cut to at most GuardedSink::kMaxCarry bytes at a field boundary.
std::string carry_of(std::string_view window) {
  size_t line = window.rfind('\n');
  std::string_view tail = line == std::string_view::npos ? window : window.substr(line + 1);
  if (tail.size() > GuardedSink::kMaxCarry) {
    tail = tail.substr(tail.size() - GuardedSink::kMaxCarry);
    size_t field = tail.find_first_of(",;\t\"'<>");
    if (field != std::string_view::npos) tail = tail.substr(field + 1);
  }
  return std::string(tail);
}

}  // namespace

GuardedSink::GuardedSink(AtomicFile* file, egress::Guard* guard, plugin::CallScope* scope)
    : file_(file), guard_(guard), scope_(scope) {
  crypto_hash_sha256_init(&sha_);
}

Status GuardedSink::write(std::string_view bytes, uint64_t rows) {
  std::string window = carry_;
  window.append(bytes);
  Status checked = guard_->check(scope_->principal, window, scope_->read_values);
  if (checked.code() == Code::kFailedPrecondition) {
    scope_->blocked = checked.message();
    return Status::Precondition("withheld by the egress guard");
  }
  if (!checked.ok()) return checked;  // the guard could not decide: no file either
  carry_ = carry_of(window);
  crypto_hash_sha256_update(&sha_, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
  rows_ += static_cast<int64_t>(rows);
  bytes_ += static_cast<int64_t>(bytes.size());
  return file_->write(bytes);
}

std::string GuardedSink::digest() {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha_, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

}  // namespace mvne::exports
