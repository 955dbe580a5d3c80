// The canaries of the leak check's world: every identifier, address, account id and record
// id names its owner in itself, so that any output can be scanned for them without a
// dictionary. Subscriber s of tenant t has account "lka-T-S", e-mail "lke-T-S@mvno.example",
// number 0907TTTSSSS (+81907TTTSSSS) and IMSI 440107TTTSSSS00; its calls, messages and data
// sessions have ids "lkc-T-S-N", "lkm-T-S-N" and "lks-T-S-N" (the holder at event time).
// A number moved to another holder during the run belongs to both, each for its own records.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mvne::leakcheck {

constexpr int kMaxTenants = 1000;
constexpr int kMaxSubscribers = 10000;  // per tenant

std::string tenant_code(int t);  // "mvno-T"
std::string account(int t, int s);
std::string email(int t, int s);
std::string msisdn(int t, int s);  // national: 0907TTTSSSS
std::string imsi(int t, int s);
std::string record_id(char kind, int t, int s, long n);  // kind: 'c', 'm' or 's'

struct Owner {
  int tenant = -1;
  int subscriber = -1;  // -1: the tenant itself (its code)
  auto operator<=>(const Owner&) const = default;
};

struct Found {
  Owner owner;
  bool identifier = false;  // a number or an IMSI (may have several holders over time)
  std::string text;
};

// Every canary in `text`.
std::vector<Found> scan(std::string_view text);

// Who may see what: a tenant its own subscribers' canaries, a consumer its own, and each of
// them a moved number it held.
class Ownership {
 public:
  // Before the move is made: `number_of` now also belongs to `to`.
  void add_holder(Owner number_of, Owner to);
  // The canaries in `text` that `recipient` (subscriber -1: the tenant) must not see; `own`,
  // when given, counts those it may.
  std::vector<Found> foreign(const Owner& recipient, std::string_view text,
                             long* own = nullptr) const;

 private:
  mutable std::mutex mu_;
  std::set<std::pair<Owner, Owner>> extra_;  // (number's first owner, later holder)
};

}  // namespace mvne::leakcheck
