// voice_cdr in the test's process, on the eight-MVNO scenario's directory, its spool in a
// temp dir: the fixture of the spool input tests, with a native switch line to write.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tests/support/in_process_host.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {

// The native switch file's header line.
extern const char* const kNativeCallHeader;

// A native switch line of bravo's number 090-1010-0001 on 2026-11-05.
std::string native_call(const std::string& id, const std::string& disposition = "ANSWERED");

class VoiceSpoolTest : public ::testing::TestWithParam<std::string> {
 protected:
  VoiceSpoolTest();
  std::string voice() const { return dir_.path() + "/voice"; }
  uint64_t stored() { return host_.metrics().ingest_records("voice_cdr", "stored"); }
  uint64_t quarantined() { return host_.metrics().ingest_records("voice_cdr", "quarantined"); }

  TestDatabase db_{GetParam()};
  TempDir dir_;
  InProcessHost host_;
};

}  // namespace mvne::testing
