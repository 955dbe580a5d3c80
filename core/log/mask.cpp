#include "core/log/mask.h"

namespace mvne::log {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
// Characters written between the digit groups of a phone number.
bool is_group_separator(char c) { return c == '-' || c == '.' || c == '(' || c == ')'; }

// True when the character at `i` joins the number to a word: a letter or digit, or a '-',
// '.' or '_' with a letter or digit beyond it (in direction `step`).
bool glued(std::string_view text, size_t i, int step) {
  if (i >= text.size()) return false;
  char c = text[i];
  if (is_alnum(c)) return true;
  if (c != '-' && c != '.') return false;
  size_t beyond = i + step;
  return beyond < text.size() && is_alnum(text[beyond]);
}

bool valid_date(std::string_view d) {  // 8 digits, YYYYMMDD
  int year = std::stoi(std::string(d.substr(0, 4)));
  int month = std::stoi(std::string(d.substr(4, 2)));
  int day = std::stoi(std::string(d.substr(6, 2)));
  return year >= 1900 && year <= 2199 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_date(std::string_view run, const std::string& digits) {
  if (digits.size() != 8) return false;
  bool iso = run.size() == 10 && run[4] == '-' && run[7] == '-';
  return (iso || run.size() == 8) && valid_date(digits);
}

// Four groups of 1 to 3 digits joined by dots: an IPv4 address.
bool is_ipv4(std::string_view run) {
  int groups = 1, width = 0;
  for (char c : run) {
    if (c == '.') {
      if (width == 0) return false;
      ++groups;
      width = 0;
    } else if (!is_digit(c) || ++width > 3) {
      return false;
    }
  }
  return groups == 4 && width > 0;
}

bool maskable(std::string_view run, const std::string& digits) {
  size_t n = digits.size();
  if (is_date(run, digits) || is_ipv4(run)) return false;
  bool prefixed = run[0] == '+' || run[0] == '(' || digits[0] == '0';
  if (n >= 18 && n <= 20) return true;
  return n <= 15 && n >= (prefixed ? 7u : 8u);
}

// The end of the number starting at `begin` (a digit, or '+' or '(' before one): digit
// groups joined by single separators; by single spaces too when it starts like a phone
// number ('0', '+' or '(').
size_t number_end(std::string_view text, size_t begin) {
  bool spaced = text[begin] == '0' || text[begin] == '+' || text[begin] == '(';
  size_t i = begin + 1;
  size_t end = is_digit(text[begin]) ? i : begin;
  while (i < text.size()) {
    char c = text[i];
    if (is_digit(c)) {
      end = ++i;
      continue;
    }
    bool separator = is_group_separator(c) || (spaced && c == ' ');
    // One separator (or a ')' then one more) between groups, always followed by a digit.
    size_t next = i + 1;
    if (c == ')' && next < text.size() && (text[next] == ' ' || text[next] == '-')) ++next;
    if (!separator || next >= text.size() || !(is_digit(text[next]) || text[next] == '(')) break;
    i = next;
  }
  return end;
}

}  // namespace

std::string mask_identifiers(std::string_view text) {
  std::string out(text);
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    bool starts = is_digit(c) || ((c == '+' || c == '(') && i + 1 < text.size() &&
                                  (is_digit(text[i + 1]) || text[i + 1] == '+'));
    if (!starts || (i > 0 && glued(text, i - 1, -1))) {
      // Skip the rest of a word so that its digits are not taken for a number.
      if (is_alnum(c)) {
        while (i < text.size() && (is_alnum(text[i]) || glued(text, i, 1))) ++i;
      } else {
        ++i;
      }
      continue;
    }
    size_t end = number_end(text, i);
    if (end == i || glued(text, end, 1)) {
      while (i < text.size() && (is_alnum(text[i]) || glued(text, i, 1))) ++i;
      continue;
    }
    std::string_view run = text.substr(i, end - i);
    std::string digits;
    for (char d : run)
      if (is_digit(d)) digits += d;
    if (maskable(run, digits)) {
      size_t seen = 0;
      for (size_t k = i; k < end; ++k) {
        if (!is_digit(text[k])) continue;
        if (seen >= 2 && seen + 2 < digits.size()) out[k] = '*';
        ++seen;
      }
    }
    i = end;
  }
  return out;
}

}  // namespace mvne::log
