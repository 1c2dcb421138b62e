#include "CPhoneNumber.h"

#include <cstring>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

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
// steps Parse is made of (ExtractCountryCode, MaybeStripNationalPrefixAndCarrierCode,
// TestNumberLength, SetItalianLeadingZerosForPhoneNumber) without Parse's front end. That
// front end runs ICU regexps over the raw text (viability, extension, start and end
// characters) and costs ~9 µs a number; an import of 100,000 cards spends seconds there.
// Why it is safe: the fast path only takes text that is "+" then digits and separators, for
// which those front-end steps provably change nothing, and it then runs ParseHelper's own
// tail, call for call. LeadsTests compare it with Parse on every region's example numbers.
// Delete it when Debian's libphonenumber is built with RE2 (or Parse gets cheap).
class PhoneNumberUtilTest {
 public:
  // Returns 1 and fills `number` when the fast path applies and succeeds, 0 to fall back.
  static int ParseInternational(const PhoneNumberUtil &util, const char *text, size_t length,
                                const std::string &default_region, PhoneNumber *number) {
    size_t i = 0;
    while (i < length && text[i] == ' ') i++;
    if (i == length || text[i] != '+') return 0;
    std::string digits;
    digits.reserve(length);
    for (i++; i < length; i++) {
      char c = text[i];
      if (c >= '0' && c <= '9') {
        digits.push_back(c);
      } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
        return 0;  // letters, extensions, tel: parameters, non-ASCII: Parse's job.
      }
    }
    // MaybeExtractCountryCode: TOO_SHORT_AFTER_IDD at <= kMinLengthForNsn (2) digits.
    if (digits.size() <= 2) return 0;
    std::string national = digits;
    int country_code = util.ExtractCountryCode(&national);
    if (country_code == 0) return 0;
    std::string region;
    util.GetRegionCodeForCountryCode(country_code, &region);
    const PhoneMetadata *metadata = util.GetMetadataForRegionOrCallingCode(country_code, region);
    if (national.size() < 2 || national.size() > 17) return 0;
    if (metadata) {
      std::string carrier_code;
      std::string potential = national;
      util.MaybeStripNationalPrefixAndCarrierCode(*metadata, &potential, &carrier_code);
      if (potential != national && !potential.empty()) {
        // TestNumberLength is file-local in 8.12; IsPossibleNumberWithReason runs it on the
        // same string (leading zeros kept) against the same metadata.
        PhoneNumber probe;
        probe.set_country_code(country_code);
        util.SetItalianLeadingZerosForPhoneNumber(potential, &probe);
        probe.set_national_number(std::stoull(potential));
        PhoneNumberUtil::ValidationResult result = util.IsPossibleNumberWithReason(probe);
        if (result != PhoneNumberUtil::TOO_SHORT && result != PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY &&
            result != PhoneNumberUtil::INVALID_LENGTH) {
          national = potential;
        }
      } else if (potential.empty()) {
        return 0;
      }
    }
    if (national.size() < 2 || national.size() > 17) return 0;
    // Filled in place: PhoneNumber::Swap would pull in libprotobuf, which nothing else needs.
    number->set_country_code(country_code);
    util.SetItalianLeadingZerosForPhoneNumber(national, number);
    number->set_national_number(std::stoull(national));
    (void)default_region;
    return 1;
  }
};

}  // namespace phonenumbers
}  // namespace i18n

namespace {

int formatE164(const PhoneNumberUtil &util, const PhoneNumber &number, char *out, size_t out_capacity) {
    if (!util.IsPossibleNumber(number)) return LG_PHONE_ERR_NOT_POSSIBLE;
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    if (e164.size() + 1 > out_capacity) return LG_PHONE_ERR_BUFFER_TOO_SMALL;
    std::memcpy(out, e164.data(), e164.size());
    out[e164.size()] = '\0';
    return static_cast<int>(e164.size());
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
        if (allowFastPath &&
            i18n::phonenumbers::PhoneNumberUtilTest::ParseInternational(util, text, length, region, &number)) {
            return formatE164(util, number, out, out_capacity);
        }
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
