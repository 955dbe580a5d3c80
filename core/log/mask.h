// Masking of line identifiers in log text: phone numbers (as people write them, with
// dashes, dots, brackets or spaces between digit groups), IMSIs and ICCIDs keep their first
// and last two digits. Words that merely contain digits (hex ids, request and incident ids,
// file names, dates) are left as they are, so an id in the log matches the one a client got.
#pragma once

#include <string>
#include <string_view>

namespace mvne::log {

// A number is masked when it stands alone (not glued to letters, directly or through a '-',
// '.' or '_') and holds 7 to 15 digits starting with '0' or '+' (a national or international
// MSISDN), 8 to 15 digits otherwise (E.164 without '+', IMSI), or 18 to 20 digits (ICCID).
// Dates (YYYY-MM-DD, YYYYMMDD) are not numbers.
// "call 090-1000-0001" -> "call 09*-****-**01"; "inc-12948c59-00000001" unchanged.
std::string mask_identifiers(std::string_view text);

}  // namespace mvne::log
