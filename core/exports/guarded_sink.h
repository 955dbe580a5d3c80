// Where export_write sends a plugin's bytes: checked by the egress guard as one stream, so
// an identifier split across two writes ("...,0802" then "0000001\n") is seen whole, then
// hashed, counted and streamed to the file. Memory stays bounded: each check covers one
// write plus the unfinished line before it (at most kMaxCarry bytes of it).
#pragma once

#include <sodium.h>

#include <string>
#include <string_view>

#include "core/egress/guard.h"
#include "core/exports/atomic_file.h"
#include "core/plugin/call_scope.h"

namespace mvne::exports {

class GuardedSink : public plugin::ExportSink {
 public:
  // Longest tail of an unfinished line checked again with the next write; longer than any
  // identifier the guard knows (an e-mail address is at most 254 bytes).
  static constexpr size_t kMaxCarry = 1024;

  // `scope` is the export's call: its principal and the values it read; a violation is
  // recorded in scope->blocked. All three outlive the sink.
  GuardedSink(AtomicFile* file, egress::Guard* guard, plugin::CallScope* scope);

  Status write(std::string_view bytes, uint64_t rows) override;

  std::string digest();
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }

 private:
  AtomicFile* file_;
  egress::Guard* guard_;
  plugin::CallScope* scope_;
  std::string carry_;  // the end of what was written, checked again with the next write
  crypto_hash_sha256_state sha_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace mvne::exports
