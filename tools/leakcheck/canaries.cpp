#include "tools/leakcheck/canaries.h"

#include <cctype>
#include <cstdio>

namespace mvne::leakcheck {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads digits at `text[i]`; returns how many (0 when none) and the value.
size_t read_number(std::string_view text, size_t i, long& value) {
  size_t n = 0;
  value = 0;
  while (i + n < text.size() && digit(text[i + n]) && n < 12) {
    value = value * 10 + (text[i + n] - '0');
    ++n;
  }
  return n;
}

// "lkX-T-S" at `i` (X one of a, c, e, m, s); the owner, or none.
bool read_tagged(std::string_view text, size_t i, Owner& owner, size_t& end) {
  if (i + 4 >= text.size() || std::tolower(text[i + 1]) != 'k') return false;
  char kind = static_cast<char>(std::tolower(text[i + 2]));
  if (kind != 'a' && kind != 'c' && kind != 'e' && kind != 'm' && kind != 's') return false;
  if (text[i + 3] != '-') return false;
  long t = 0, s = 0;
  size_t n = read_number(text, i + 4, t);
  if (n == 0 || i + 4 + n >= text.size() || text[i + 4 + n] != '-') return false;
  size_t m = read_number(text, i + 5 + n, s);
  if (m == 0) return false;
  owner = {static_cast<int>(t), static_cast<int>(s)};
  end = i + 5 + n + m;
  return true;
}

// A run of digits (dashes and spaces inside ignored) starting at `i`, as a number or IMSI.
bool read_identifier(std::string_view text, size_t i, Owner& owner, size_t& end) {
  std::string digits;
  size_t j = i;
  while (j < text.size() && (digit(text[j]) || ((text[j] == '-' || text[j] == ' ') &&
                                                j + 1 < text.size() && digit(text[j + 1])))) {
    if (digit(text[j])) digits += text[j];
    ++j;
  }
  end = j;
  auto owner_of = [&](size_t at) {
    owner = {std::stoi(digits.substr(at, 3)), std::stoi(digits.substr(at + 3, 4))};
    return true;
  };
  if (digits.size() == 11 && digits.compare(0, 4, "0907") == 0) return owner_of(4);
  if (digits.size() == 12 && digits.compare(0, 5, "81907") == 0) return owner_of(5);
  if (digits.size() == 15 && digits.compare(0, 6, "440107") == 0 &&
      digits.compare(13, 2, "00") == 0)
    return owner_of(6);
  return false;
}

}  // namespace

std::string tenant_code(int t) { return "mvno-" + std::to_string(t); }
std::string account(int t, int s) { return "lka-" + std::to_string(t) + "-" + std::to_string(s); }
std::string email(int t, int s) {
  return "lke-" + std::to_string(t) + "-" + std::to_string(s) + "@mvno.example";
}
std::string msisdn(int t, int s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0907%03d%04d", t, s);
  return buf;
}
std::string imsi(int t, int s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "440107%03d%04d00", t, s);
  return buf;
}
std::string record_id(char kind, int t, int s, long n) {
  return std::string("lk") + kind + "-" + std::to_string(t) + "-" + std::to_string(s) + "-" +
         std::to_string(n);
}

std::vector<Found> scan(std::string_view text) {
  std::vector<Found> out;
  for (size_t i = 0; i < text.size();) {
    Owner owner;
    size_t end = i + 1;
    const char c = text[i];
    if ((c == 'l' || c == 'L') && read_tagged(text, i, owner, end)) {
      out.push_back({owner, false, std::string(text.substr(i, end - i))});
    } else if (c == 'm' && text.compare(i, 5, "mvno-") == 0 && i + 5 < text.size() &&
               digit(text[i + 5])) {
      long t = 0;
      end = i + 5 + read_number(text, i + 5, t);
      out.push_back({{static_cast<int>(t), -1}, false, std::string(text.substr(i, end - i))});
    } else if ((digit(c) || c == '+') &&
               (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
      // A number stands alone: not inside a word or a hex token ("a09072785664f").
      size_t from = c == '+' ? i + 1 : i;
      if (read_identifier(text, from, owner, end) &&
          (end == text.size() || !std::isalnum(static_cast<unsigned char>(text[end])))) {
        out.push_back({owner, true, std::string(text.substr(i, end - i))});
      } else if (end <= i) {
        end = i + 1;
      }
    }
    i = std::max(end, i + 1);
  }
  return out;
}

void Ownership::add_holder(Owner number_of, Owner to) {
  std::lock_guard lock(mu_);
  extra_.insert({number_of, to});
}

std::vector<Found> Ownership::foreign(const Owner& recipient, std::string_view text,
                                      long* own) const {
  std::vector<Found> out;
  for (Found& f : scan(text)) {
    auto allowed = [&](const Owner& o) {
      if (o.tenant != recipient.tenant) return false;
      // The tenant's own code, and for the tenant every one of its subscribers.
      return o.subscriber == -1 || recipient.subscriber == -1 ||
             o.subscriber == recipient.subscriber;
    };
    bool ok = allowed(f.owner);
    if (!ok && f.identifier) {
      std::lock_guard lock(mu_);
      for (auto it = extra_.lower_bound({f.owner, Owner{-1, -2}});
           !ok && it != extra_.end() && it->first == f.owner; ++it)
        ok = allowed(it->second);
    }
    if (!ok) {
      out.push_back(std::move(f));
    } else if (own != nullptr) {
      ++*own;
    }
  }
  return out;
}

}  // namespace mvne::leakcheck
