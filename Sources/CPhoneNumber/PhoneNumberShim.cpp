#include "CPhoneNumber.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/region_code.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

int codeForParseError(PhoneNumberUtil::ErrorType error) {
    switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return LG_PHONE_ERR_INVALID_COUNTRY_CODE;
    case PhoneNumberUtil::NOT_A_NUMBER: return LG_PHONE_ERR_NOT_A_NUMBER;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD: return LG_PHONE_ERR_TOO_SHORT_AFTER_IDD;
    case PhoneNumberUtil::TOO_SHORT_NSN: return LG_PHONE_ERR_TOO_SHORT;
    case PhoneNumberUtil::TOO_LONG_NSN: return LG_PHONE_ERR_TOO_LONG;
    default: return LG_PHONE_ERR_NOT_A_NUMBER;
    }
}

// Parse costs about 10 µs even for junk (ICU regexps), and tag text is attacker-controlled.
// Text with no digit at all is never a number: libphonenumber's own VALID_PHONE_NUMBER
// pattern needs at least two digits, and a vanity number starts with three. Bytes >= 0x80
// could be full-width or Arabic-Indic digits, so such text still goes to libphonenumber.
bool mayHoldDigits(const char *text, size_t length) {
    for (size_t i = 0; i < length; i++) {
        unsigned char byte = static_cast<unsigned char>(text[i]);
        if ((byte >= '0' && byte <= '9') || byte >= 0x80) return true;
    }
    return false;
}

}  // namespace

namespace i18n {
namespace phonenumbers {

// WORKAROUND: libphonenumber declares this class a friend of PhoneNumberUtil for its own
// unit tests and does not ship it, so defining it here is the only way to reach the private
// steps Parse is made of (MaybeExtractCountryCode, ExtractCountryCode,
// MaybeStripNationalPrefixAndCarrierCode, SetItalianLeadingZerosForPhoneNumber) without
// Parse's front end. That front end runs ICU regexps over the raw text (viability, extension,
// start and end characters) and costs ~9 µs a number; an import of 100,000 cards spends
// seconds there.
// Why it is safe: the fast path only takes text that is an optional "tel:", then an optional
// "+", then at least three digits, with spaces and ( ) - . / anywhere. For such text the front
// end provably hands the tail the bare digits: "tel:" and leading brackets are not start
// characters, no extension or second-number pattern can match without a letter, ";", ",", "#"
// or "~", and digits alone are a viable number. The fast path then runs ParseHelper's own
// tail, call for call, and falls back to Parse on every error, so Parse words the refusal.
// Where a private step provably changes nothing (a literal national or international prefix
// the digits do not start with) the call is skipped, and IsPossibleNumber is answered from a
// table the library filled (see CallingCode).
// LeadsTests compare it with Parse on generated numbers, international and national, in every
// region.
// Delete it when Debian's libphonenumber is built with RE2 (or Parse gets cheap).
class PhoneNumberUtilTest {
 public:
  // What the fast path made of a text; on kFallBack only Parse can tell.
  enum Outcome { kFallBack = 0, kPossible = 1, kNotPossible = 2 };

  // Fills `number` and says whether IsPossibleNumber holds for it, or returns kFallBack.
  static int ParseDigits(const PhoneNumberUtil &util, const char *text, size_t length,
                         const std::string &default_region, PhoneNumber *number) {
    size_t i = 0;
    if (length >= 4 && (text[0] | 0x20) == 't' && (text[1] | 0x20) == 'e' && (text[2] | 0x20) == 'l' &&
        text[3] == ':') {
      i = 4;
    }
    bool plus = false;
    std::string digits;
    digits.reserve(length);
    for (; i < length; i++) {
      char c = text[i];
      if (c >= '0' && c <= '9') {
        digits.push_back(c);
      } else if (c == '+') {
        // Only one "+", before every digit; "++1" or "1+2" are Parse's to judge.
        if (plus || !digits.empty()) return 0;
        plus = true;
      } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
        return 0;  // letters, extensions, tel: parameters, non-ASCII: Parse's job.
      }
    }
    // MaybeExtractCountryCode: TOO_SHORT_AFTER_IDD at <= kMinLengthForNsn (2) digits; and
    // two bare digits are viable by a pattern of their own. Both are rare: leave them to Parse.
    if (digits.size() <= 2) return 0;
    return plus ? ParseInternational(util, digits, number) : ParseNational(util, digits, default_region, number);
  }

 private:
  // What ParseHelper looks up for a calling code: GetRegionCodeForCountryCode's answer (its
  // "main" region) and GetMetadataForRegionOrCallingCode's for that region. Looked up once
  // per code: GetRegionCodeForCountryCode copies every region of the code into a std::list
  // on each call, a fifth of the fast path's time. The util and its metadata never change.
  //
  // It also holds IsPossibleNumber's answer for each length of national significant number:
  // that answer is TestNumberLength's on the NSN against the main region's metadata, which
  // reads the NSN's length only; so the library itself is asked once per length, with a
  // number of that length, instead of once per number (each call copies that std::list too).
  static constexpr size_t kMaxPossibleLength = 18;  // Finish keeps NSNs of 2 to 17 digits.
  struct CallingCode {
    std::string main_region;
    const PhoneMetadata *metadata = nullptr;
    bool possible[kMaxPossibleLength] = {};
  };

  static const CallingCode &Lookup(const PhoneNumberUtil &util, int country_code) {
    // Calling codes have at most three digits (ExtractCountryCode reads no more).
    static const std::vector<CallingCode> table = [&util] {
      std::vector<CallingCode> codes(1000);
      for (int code = 0; code < 1000; code++) {
        util.GetRegionCodeForCountryCode(code, &codes[code].main_region);
        codes[code].metadata = util.GetMetadataForRegionOrCallingCode(code, codes[code].main_region);
        if (codes[code].metadata == nullptr) continue;
        uint64_t national = 1;  // 1, 10, 100...: an NSN of `length` digits, no leading zero.
        for (size_t length = 1; length < kMaxPossibleLength; length++, national *= 10) {
          PhoneNumber probe;
          probe.set_country_code(code);
          probe.set_national_number(national);
          codes[code].possible[length] = util.IsPossibleNumber(probe);
        }
      }
      return codes;
    }();
    return table[country_code >= 0 && country_code < 1000 ? country_code : 0];
  }

  // False only when MaybeStripNationalPrefixAndCarrierCode provably leaves `national` as it
  // is: its national_prefix_for_parsing is a plain run of digits (a literal to ICU), which
  // it only ever matches at the start (Consume), and `national` does not start with it. The
  // call costs a regexp match of the region's whole number pattern even then.
  static bool MayStartWithNationalPrefix(const PhoneMetadata &metadata, const std::string &national) {
    const std::string &prefix = metadata.national_prefix_for_parsing();
    for (char c : prefix) {
      if (c < '0' || c > '9') return true;
    }
    return national.compare(0, prefix.size(), prefix) == 0;
  }

  // False only when MaybeExtractCountryCode provably finds no calling code in `digits` and
  // leaves them as they are: the region's international prefix is a plain run of digits (an
  // empty one would match anywhere) that they do not start with, so ParsePrefixAsIdd's
  // anchored Consume fails, Normalize keeps bare ASCII digits, and they do not start with
  // the region's own calling code either. The call runs two regexps even then.
  static bool MayCarryCallingCode(const PhoneMetadata &metadata, const std::string &digits) {
    const std::string &idd = metadata.international_prefix();
    if (idd.empty()) return true;
    for (char c : idd) {
      if (c < '0' || c > '9') return true;
    }
    if (digits.compare(0, idd.size(), idd) == 0) return true;
    const std::string own = std::to_string(metadata.country_code());
    return digits.compare(0, own.size(), own) == 0;
  }

  // ExtractCountryCode, asking the table instead of GetRegionCodeForCountryCode (which
  // copies a std::list each time, and ExtractCountryCode asks up to three times).
  static int ExtractCallingCode(const PhoneNumberUtil &util, std::string *national) {
    if (national->empty() || (*national)[0] == '0') return 0;
    int code = 0;
    // Past the end, ExtractCountryCode reads the same whole string again: no new answer.
    for (size_t i = 1; i <= 3 && i <= national->size(); i++) {
      code = code * 10 + ((*national)[i - 1] - '0');
      if (Lookup(util, code).main_region != i18n::phonenumbers::RegionCode::GetUnknown()) {
        national->erase(0, i);
        return code;
      }
    }
    return 0;
  }

  // ParseHelper after MaybeExtractCountryCode found "+": `digits` follow the plus.
  static int ParseInternational(const PhoneNumberUtil &util, const std::string &digits, PhoneNumber *number) {
    std::string national = digits;
    int country_code = ExtractCallingCode(util, &national);
    if (country_code == 0) return 0;
    const PhoneMetadata *metadata = Lookup(util, country_code).metadata;
    return Finish(util, country_code, metadata, national, number);
  }

  // ParseHelper for digits without "+", dialled in `default_region`: an international prefix
  // ("00", "011"), the region's own calling code without "+", or a national number.
  static int ParseNational(const PhoneNumberUtil &util, const std::string &digits,
                           const std::string &default_region, PhoneNumber *number) {
    // Parse refuses a national number in a region it has no metadata for
    // (CheckRegionForParsing); that refusal is its to word.
    const PhoneMetadata *metadata = util.GetMetadataForRegion(default_region);
    if (metadata == nullptr) return 0;
    std::string national = digits;
    PhoneNumber extracted;
    if (MayCarryCallingCode(*metadata, national) &&
        util.MaybeExtractCountryCode(metadata, false, &national, &extracted) != PhoneNumberUtil::NO_PARSING_ERROR) {
      return 0;
    }
    int country_code = extracted.country_code();
    if (country_code != 0) {
      const CallingCode &code = Lookup(util, country_code);
      if (code.main_region != default_region) metadata = code.metadata;
    } else {
      country_code = metadata->country_code();
    }
    return Finish(util, country_code, metadata, national, number);
  }

  // IsPossibleNumber for the number Finish is about to fill, from the table.
  static bool IsPossibleLength(const PhoneNumberUtil &util, int country_code, size_t length) {
    return length < kMaxPossibleLength && Lookup(util, country_code).possible[length];
  }

  // ParseHelper's last steps: strip a national prefix when what is left still has a possible
  // length, check the NSN length, and fill `number`.
  static int Finish(const PhoneNumberUtil &util, int country_code, const PhoneMetadata *metadata,
                    std::string &national, PhoneNumber *number) {
    if (national.size() < 2 || national.size() > 17) return 0;
    if (metadata && MayStartWithNationalPrefix(*metadata, national)) {
      std::string carrier_code;
      std::string potential = national;
      util.MaybeStripNationalPrefixAndCarrierCode(*metadata, &potential, &carrier_code);
      if (potential.empty()) return 0;
      if (potential != national) {
        // TestNumberLength is file-local in 8.12. IsPossibleNumberWithReason runs it on the
        // same string (leading zeros kept), but against the metadata of the calling code's
        // main region: the same only when `metadata` is that, which it is unless a national
        // number was dialled in a region that shares its code (CA, GG): those go to Parse.
        if (metadata != Lookup(util, country_code).metadata) return 0;
        PhoneNumber probe;
        probe.set_country_code(country_code);
        util.SetItalianLeadingZerosForPhoneNumber(potential, &probe);
        probe.set_national_number(std::stoull(potential));
        PhoneNumberUtil::ValidationResult result = util.IsPossibleNumberWithReason(probe);
        if (result != PhoneNumberUtil::TOO_SHORT && result != PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY &&
            result != PhoneNumberUtil::INVALID_LENGTH) {
          national = potential;
        }
      }
    }
    if (national.size() < 2 || national.size() > 17) return 0;
    if (!IsPossibleLength(util, country_code, national.size())) return kNotPossible;
    // Filled in place: PhoneNumber::Swap would pull in libprotobuf, which nothing else needs.
    number->set_country_code(country_code);
    util.SetItalianLeadingZerosForPhoneNumber(national, number);
    number->set_national_number(std::stoull(national));
    return kPossible;
  }
};

}  // namespace phonenumbers
}  // namespace i18n

namespace {

// `known_possible` when the fast path has already answered IsPossibleNumber.
int formatE164(const PhoneNumberUtil &util, const PhoneNumber &number, char *out, size_t out_capacity,
               bool known_possible = false) {
    if (!known_possible && !util.IsPossibleNumber(number)) return LG_PHONE_ERR_NOT_POSSIBLE;
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    if (e164.size() + 1 > out_capacity) return LG_PHONE_ERR_BUFFER_TOO_SMALL;
    std::memcpy(out, e164.data(), e164.size());
    out[e164.size()] = '\0';
    return static_cast<int>(e164.size());
}

// Format(number, E164) for a number the fast path filled, written straight into `out`:
// "+", the calling code, the Italian leading zeros if any, the national number. That is
// what Format does for E164 (GetNationalSignificantNumber, then
// PrefixNumberWithCountryCallingCode), less its three std::string allocations. A number
// of 0 (Format may then answer with the raw input) goes to Format. LeadsTests compare the
// fast path's answers with Parse and Format's in every region.
int writeE164(const PhoneNumberUtil &util, const PhoneNumber &number, char *out, size_t out_capacity) {
    if (number.national_number() == 0) return formatE164(util, number, out, out_capacity, true);
    char buffer[64];
    char *end = buffer + sizeof buffer;
    char *p = buffer;
    *p++ = '+';
    p = std::to_chars(p, end, number.country_code()).ptr;
    if (number.italian_leading_zero()) {
        for (int zeros = number.number_of_leading_zeros(); zeros > 0 && p < end; zeros--) *p++ = '0';
    }
    std::to_chars_result digits = std::to_chars(p, end, number.national_number());
    if (digits.ec != std::errc()) return formatE164(util, number, out, out_capacity, true);
    size_t size = static_cast<size_t>(digits.ptr - buffer);
    if (size + 1 > out_capacity) return LG_PHONE_ERR_BUFFER_TOO_SMALL;
    std::memcpy(out, buffer, size);
    out[size] = '\0';
    return static_cast<int>(size);
}

int toE164(const char *text, size_t length, const char *default_region, char *out, size_t out_capacity,
           bool allowFastPath) {
    if (text == nullptr || default_region == nullptr || out == nullptr) return LG_PHONE_ERR_INVALID_ARGUMENT;
    if (length > LG_PHONE_MAX_INPUT_LENGTH) return LG_PHONE_ERR_TOO_LONG;
    if (!mayHoldDigits(text, length)) return LG_PHONE_ERR_NOT_A_NUMBER;
    try {
        // GetInstance is a thread-safe singleton and Parse/Format are const: no lock needed.
        const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
        PhoneNumber number;
        std::string region(default_region);
        using Fast = i18n::phonenumbers::PhoneNumberUtilTest;
        int fast = allowFastPath ? Fast::ParseDigits(util, text, length, region, &number) : Fast::kFallBack;
        if (fast == Fast::kNotPossible) return LG_PHONE_ERR_NOT_POSSIBLE;
        if (fast == Fast::kPossible) return writeE164(util, number, out, out_capacity);
        PhoneNumberUtil::ErrorType error = util.Parse(std::string(text, length), region, &number);
        if (error != PhoneNumberUtil::NO_PARSING_ERROR) return codeForParseError(error);
        return formatE164(util, number, out, out_capacity);
    } catch (...) {
        // An exception unwinding into Swift frames is undefined behaviour; report it instead.
        return LG_PHONE_ERR_INTERNAL;
    }
}

}  // namespace

extern "C" int lg_phone_to_e164(const char *text, size_t length, const char *default_region,
                                char *out, size_t out_capacity) {
    return toE164(text, length, default_region, out, out_capacity, true);
}

extern "C" int lg_phone_to_e164_reference(const char *text, size_t length, const char *default_region,
                                          char *out, size_t out_capacity) {
    return toE164(text, length, default_region, out, out_capacity, false);
}

extern "C" int lg_phone_country_code_for_region(const char *region) {
    if (region == nullptr) return 0;
    try {
        return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region);
    } catch (...) {
        return 0;
    }
}
