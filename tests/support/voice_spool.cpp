#include "tests/support/voice_spool.h"

#include "tests/support/cdr_scenario.h"

namespace mvne::testing {

const char* const kNativeCallHeader =
    "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
    "called_number,call_type,imsi,disposition";

std::string native_call(const std::string& id, const std::string& disposition) {
  return id +
         ",2026-11-05T10:00:00+09:00,2026-11-05T10:00:04+09:00,2026-11-05T10:01:04+09:00,64,60,"
         "09010100001,0311112222,outgoing,," +
         disposition;
}

VoiceSpoolTest::VoiceSpoolTest()
    : host_(fixture_settings({"voice_cdr"}, {std::string("plugins.dir=") + MVNE_PLUGIN_DIR,
                                             "plugin.voice_cdr.spool_dir=" + voice()}),
            db_.db()) {
  CdrScenario s = make_cdr_scenario();
  for (auto& t : s.tenants) t.export_dir = dir_.path() + "/" + t.export_dir;
  apply_directory(s, *host_.services().directory);
}

}  // namespace mvne::testing
